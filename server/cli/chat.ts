import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import axios from 'axios';
import { connectDatabase, readValue } from '../db/firebase';
import { paths, TENANT_ID_PATTERN } from '../db/paths';
import { ZWhatsappConfigSchema } from '../db/records';
import { DEMO_TENANT_ID } from '../demo/demo-setup';
import { DEMO_MESSAGES_SIGNATURE_HEADER, demoMessagesSignature, simulatedWebhookBody, type TSimulatorSend } from '../web/simulator';
import { signMetaBody } from '../whatsapp/signature';
import { die, loadCliEnv, noRunningServer, type CliEnv } from './cli-env';

/**
 * `npm run chat`: talk to the running server from a terminal, as a WhatsApp customer.
 * Each line is posted as a signed Cloud API webhook; the bot's answers are read back from
 * the demo Graph capture. The server's port comes from DATA_DIR/runtime.json and the
 * restaurant's WhatsApp number from the database. Options: --tenant <id> (default "demo"),
 * --as <wa_id>, --phone-number-id <id>, --url <base>.
 */
interface Option {
  code: string;
  id: string;
  title: string;
  kind: 'button_reply' | 'list_reply';
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** Network failures mean the server is gone: one line, no stack, no request details. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

function serverGone(base: string, error: unknown): never {
  const code = (error as { code?: string }).code;
  if (code && NETWORK_CODES.has(code)) die(`\nThe server at ${base} is not answering (${code}); start it again with "npm start", then run "npm run chat".`);
  die(`\nCould not talk to the server at ${base}: ${(error as Error).message ?? String(error)}`);
}

/** The tenant's WhatsApp number as stored: which phone number id its webhooks carry. */
async function tenantNumber(env: CliEnv, tenantId: string): Promise<{ phoneNumberId: string; displayPhoneNumber?: string }> {
  if (!TENANT_ID_PATTERN.test(tenantId)) die(`--tenant: "${tenantId}" is not a tenant id (letters, digits and "-")`);
  const connection = connectDatabase({ url: env.databaseUrl, projectId: env.running?.projectId ?? env.config.FIREBASE_PROJECT_ID, name: 'chat-cli' });
  let value: unknown;
  try {
    value = await readValue(connection.db, paths.whatsapp(tenantId));
  } catch (error) {
    die(`could not read tenant "${tenantId}" from the database at ${env.databaseUrl.replace(/\?.*$/, '')}: ${(error as Error).message}. Is the server (npm start) running?`);
  } finally {
    await connection.close();
  }
  const parsed = ZWhatsappConfigSchema.safeParse(value);
  if (!parsed.success) die(`tenant "${tenantId}" does not exist or has no WhatsApp number; "npm run tenant -- list" shows the restaurants.`);
  return parsed.data;
}

async function main(): Promise<void> {
  const env = loadCliEnv();
  const appSecret = env.config.WHATSAPP_APP_SECRET ?? env.demoSecrets?.WHATSAPP_APP_SECRET;
  if (!appSecret) die('WHATSAPP_APP_SECRET is not set');
  const explicitUrl = arg('url', '');
  if (!explicitUrl && !env.running && env.config.database.kind === 'embedded') die(noRunningServer(env.config));
  const base = explicitUrl || (env.running ? `http://127.0.0.1:${env.running.port}` : `http://localhost:${env.config.PORT}`);
  const waId = arg('as', '573001234567');
  const tenantId = arg('tenant', DEMO_TENANT_ID);
  const explicitNumber = arg('phone-number-id', '');
  const number = explicitNumber ? { phoneNumberId: explicitNumber, displayPhoneNumber: undefined } : await tenantNumber(env, tenantId);
  const phoneNumberId = number.phoneNumberId;
  let after = 0;
  let options: Option[] = [];

  const post = async (message: Pick<TSimulatorSend, 'text' | 'choice'>) => {
    const body = simulatedWebhookBody({
      waId,
      ...message,
      phoneNumberId,
      displayPhoneNumber: number.displayPhoneNumber ?? '573001112233',
      messageId: `wamid.CLI_${randomUUID().replace(/-/g, '')}`,
      now: new Date(),
    });
    const res = await axios
      .post(`${base}/api/webhooks/whatsapp`, body, {
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(body, appSecret) },
        validateStatus: () => true,
      })
      .catch((error: unknown) => serverGone(base, error));
    if (res.status !== 200) process.stdout.write(`  (server answered ${res.status}: ${JSON.stringify(res.data)})\n`);
  };

  const show = async () => {
    // Signed with the app secret: the messages of a number are shown only to whoever holds it.
    const res = await axios.get(`${base}/demo/messages`, {
      params: { waId, after },
      headers: { [DEMO_MESSAGES_SIGNATURE_HEADER]: demoMessagesSignature(waId, appSecret) },
      validateStatus: () => true,
    });
    if (res.status === 404) return false;
    for (const m of (res.data?.messages ?? []) as Array<{ seq: number; body: Record<string, any> }>) {
      after = Math.max(after, m.seq);
      printMessage(m.body);
    }
    return true;
  };

  const printMessage = (body: Record<string, any>) => {
    const lines: string[] = [];
    if (body.type === 'text') lines.push(body.text.body);
    if (body.type === 'interactive') {
      const i = body.interactive;
      if (i.header?.text) lines.push(`*${i.header.text}*`);
      lines.push(i.body.text);
      if (i.type === 'button') {
        options = i.action.buttons.map((b: any, n: number) => ({ code: `b${n + 1}`, id: b.reply.id, title: b.reply.title, kind: 'button_reply' }));
      }
      if (i.type === 'list') {
        let n = 0;
        options = i.action.sections.flatMap((s: any) => s.rows.map((r: any) => ({ code: `r${++n}`, id: r.id, title: r.title, kind: 'list_reply' })));
      }
      if (i.type === 'cta_url') lines.push(`[${i.action.parameters.display_text}] ${i.action.parameters.url}`);
      if (i.type === 'location_request_message') lines.push('[Enviar ubicación]');
      else if (i.type !== 'cta_url') lines.push(options.map((o) => `  [${o.code}] ${o.title}`).join('\n'));
    }
    process.stdout.write(`\n\x1b[32mbot>\x1b[0m ${lines.join('\n     ')}\n`);
  };

  if (!(await show().catch(() => die(`cannot reach the server at ${base}; start it with "npm start".`)))) {
    process.stdout.write('(the server is not in demo mode: messages go to WhatsApp and are not shown here)\n');
  }
  const who = explicitNumber ? `phone number id ${phoneNumberId}` : `tenant "${tenantId}" (phone number id ${phoneNumberId})`;
  process.stdout.write(`Chatting as +${waId} with ${who} at ${base}. Type a message; "!b1"/"!r2" taps a button or list row; Ctrl+C quits.\n`);
  const timer = setInterval(() => void show().catch((error: unknown) => serverGone(base, error)), 700);
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ' });
  rl.prompt();
  rl.on('line', async (line) => {
    const text = line.trim();
    const tap = /^!([br]\d+)$/.exec(text);
    const option = tap ? options.find((o) => o.code === tap[1]) : undefined;
    if (tap && !option) process.stdout.write('  (no such option)\n');
    else if (option) await post({ choice: { id: option.id, title: option.title, kind: option.kind } });
    else if (text) await post({ text });
    setTimeout(() => rl.prompt(), 900);
  });
  rl.on('close', () => {
    clearInterval(timer);
    process.exit(0);
  });
}

void main();
