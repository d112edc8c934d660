import type { Logger } from 'pino';
import type { Config } from '../config';
import type { SignInConfig } from '../web/kitchen-signin';
import { LocalSignIn } from './local-sign-in';
import { removeRuntimeFile, writeRuntimeFile, type TLocalAuthState, type TRuntimeInfo } from './runtime-file';

/**
 * What `npm start` adds around the runtime for the people at the keyboard: on the embedded
 * default, the local Auth emulator with the demo users (so `/kitchen` and `/admin` work at
 * once), and in every mode `DATA_DIR/runtime.json`, which the command-line tools read to find
 * the running server.
 */
export class RunningServer {
  private info: TRuntimeInfo | undefined;

  private constructor(
    private readonly config: Config,
    readonly localSignIn: LocalSignIn | undefined,
  ) {}

  /**
   * The local Auth emulator is started only on the embedded default and only when no sign-in
   * is configured (FIREBASE_AUTH_EMULATOR_HOST or FIREBASE_WEB_API_KEY win).
   */
  static async prepare(config: Config): Promise<RunningServer> {
    const local = config.database.kind === 'embedded' && !config.FIREBASE_AUTH_EMULATOR_HOST && !config.FIREBASE_WEB_API_KEY;
    return new RunningServer(config, local ? await LocalSignIn.prepare({ projectId: config.FIREBASE_PROJECT_ID, dataDir: config.DATA_DIR }) : undefined);
  }

  /** The config the runtime gets: with the local emulator, token verification points at it (this process only). */
  get runtimeConfig(): Config {
    return this.localSignIn ? { ...this.config, FIREBASE_AUTH_EMULATOR_HOST: this.localSignIn.host } : this.config;
  }

  get signIn(): SignInConfig | undefined {
    return this.localSignIn?.signIn;
  }

  /**
   * Once the server listens: writes the runtime file and starts sign-in in the background.
   * Returns the banner's sign-in lines; `say` prints the later "ready"/"unavailable" line.
   */
  announce(where: { port: number; publicBaseUrl: string; databaseUrl: string; databaseHost: string | null }, logger: Logger, say: (line: string) => void): string[] {
    this.info = {
      pid: process.pid,
      port: where.port,
      publicBaseUrl: where.publicBaseUrl,
      projectId: this.config.FIREBASE_PROJECT_ID,
      databaseUrl: where.databaseUrl,
      databaseHost: where.databaseHost,
      authEmulator: this.localSignIn?.state ?? null,
      startedAt: new Date().toISOString(),
    };
    this.publish(logger);
    if (!this.localSignIn) return [];
    this.localSignIn.start((state: TLocalAuthState) => {
      this.info = { ...this.info!, authEmulator: state };
      this.publish(logger);
      if (state.state === 'ready') say(`Sign-in ready: /kitchen and /admin accept the demo users above.`);
      else {
        logger.warn({ reason: state.reason }, 'sign-in unavailable');
        say(`Sign-in unavailable: ${state.reason}. The bot, the simulator and the webhooks work without it.`);
      }
    });
    return this.localSignIn.bannerLines();
  }

  private publish(logger: Logger): void {
    try {
      writeRuntimeFile(this.config.DATA_DIR, this.info!);
    } catch (error) {
      // The tools then need the environment repeated; the server itself is unaffected.
      logger.warn({ err: error }, 'could not write the runtime file in DATA_DIR');
    }
  }

  async close(): Promise<void> {
    if (this.info) removeRuntimeFile(this.config.DATA_DIR);
    await this.localSignIn?.stop();
  }
}
