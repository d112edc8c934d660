import { join } from 'node:path';
import { startEmbeddedDatabase } from './embedded-database';

/** `npm run db`: the embedded RTDB alone, on port 9000 (or EMBEDDED_DATABASE_PORT), data under DATA_DIR. */
async function main(): Promise<void> {
  const port = Number(process.env.EMBEDDED_DATABASE_PORT ?? 9000);
  const dataDir = process.env.DATA_DIR ?? '.data';
  const db = await startEmbeddedDatabase({
    port,
    dataFile: join(dataDir, 'database.json'),
    onNotice: (m) => process.stderr.write(`${m}\n`),
  });
  process.stdout.write(
    `Embedded Realtime Database on ${db.emulatorHost}\n` +
      `  FIREBASE_DATABASE_EMULATOR_HOST=${db.emulatorHost}\n` +
      `  read data: curl http://${db.emulatorHost}/.json?print=pretty\n`,
  );
  const stop = () => void db.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Could not start the database: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
