import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { staticFilesRouter } from '../../../server/web/static-files';
import { asset, STATIC_DIR, VIEWS_DIR } from '../../../server/web/views';

describe('static files of the pages', () => {
  const app = express().use(staticFilesRouter());

  it('serves a versioned file with its content type, cached for good', async () => {
    const res = await request(app).get(asset('kitchen.js'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript; charset=utf-8$/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toContain('orders/stream');
  });

  it('revalidates a file asked for without its current version', async () => {
    for (const url of ['/static/staff.css', '/static/staff.css?v=0123456789ab']) {
      const res = await request(app).get(url);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves nothing outside the static folder', async () => {
    for (const url of ['/static/../views.ts', '/static/%2e%2e/views.ts', '/static/missing.js', '/static/', '/static/../views/kitchen.eta']) {
      expect((await request(app).get(url)).status).toBe(404);
    }
  });

  it('answers /favicon.ico with the SVG icon', async () => {
    const res = await request(app).get('/favicon.ico');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
  });

  it('ships with the Cloud Functions source, which the compiled code reads them from', () => {
    const root = join(__dirname, '..', '..', '..');
    const [functions] = JSON.parse(readFileSync(join(root, 'firebase.json'), 'utf8')).functions as { source: string; ignore: string[] }[];
    expect(functions!.source).toBe('.');
    expect(VIEWS_DIR).toBe(join(root, 'server', 'web', 'views'));
    expect(STATIC_DIR).toBe(join(root, 'server', 'web', 'static'));
    for (const pattern of functions!.ignore) expect(['server', 'server/web', 'server/web/views', 'server/web/static']).not.toContain(pattern.replace(/\/\**$/, ''));
  });
});
