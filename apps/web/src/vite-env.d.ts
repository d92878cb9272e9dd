/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The trace viewer's base URL (the console links a saga to `<url>/trace/<traceId>`). */
  readonly VITE_TRACE_UI_URL?: string;
}
