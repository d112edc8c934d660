/** Small helpers for the few server-rendered pages: escaping and one shared, CDN-free layout. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f0f2f5;color:#1c1e21}
main{max-width:480px;margin:0 auto;padding:24px 16px}
.card{background:#fff;border-radius:14px;padding:24px;box-shadow:0 1px 3px rgba(0,0,0,.12);text-align:center}
h1{font-size:1.4rem;margin:.5rem 0 1rem}p{line-height:1.45;margin:.5rem 0}
.icon{font-size:3rem}.muted{color:#65676b;font-size:.92rem}
.btn{display:block;width:100%;padding:14px;margin:10px 0 0;border:0;border-radius:10px;font-size:1rem;font-weight:600;text-decoration:none;cursor:pointer}
.btn-primary{background:#25d366;color:#fff}.btn-secondary{background:#e4e6eb;color:#1c1e21}.btn-danger{background:#e74c3c;color:#fff}
table{width:100%;border-collapse:collapse;margin:12px 0;text-align:left}td{padding:6px 0;border-bottom:1px solid #eee}td.r{text-align:right}
.total{font-size:1.2rem;font-weight:700}
.amount{font-size:1.6rem;font-weight:700;margin:0 0 .75rem}
.spinner{width:42px;height:42px;margin:8px auto;border:4px solid #e4e6eb;border-top-color:#25d366;border-radius:50%;animation:spin 1s linear infinite}
@keyframes spin{to{transform:rotate(360deg)}}
`;

export function page(title: string, body: string, options: { script?: string } = {}): string {
  return `<!doctype html>
<html lang="es-CO"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main>${options.script ? `<script>${options.script}</script>` : ''}</body></html>`;
}
