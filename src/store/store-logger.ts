/** The slice of a pino logger the store needs; anything with a compatible `warn` fits. */
export interface StoreLogger {
  warn(obj: object, msg: string): void;
}

/** Used when the caller passes no logger: warnings still reach stderr rather than vanishing. */
export const PROCESS_WARNING_LOGGER: StoreLogger = {
  warn(obj, msg) {
    const detail = 'err' in obj && obj.err instanceof Error ? `: ${obj.err.message}` : '';
    process.emitWarning(`${msg}${detail}`, 'GatehouseStoreWarning');
  },
};
