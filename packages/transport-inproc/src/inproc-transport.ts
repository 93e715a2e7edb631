import {
  abortError,
  type BindOptions,
  type ConnectOptions,
  type Listener,
  type MessageConnection,
  onAbort,
  parseEndpointFor,
  type Transport,
  TransportError,
  throwIfAborted,
} from "@zmq/transport";
import { defaultInprocContext, type InprocContext } from "./inproc-context";
import { InprocListener } from "./inproc-listener";

/** Options shared by inproc bind and connect. */
export interface InprocOptions {
  /** The context whose names to use. Default: the transport's (normally `defaultInprocContext`). */
  context?: InprocContext;
  /**
   * High-water mark of this side's receive queue, in messages (`ZMQ_RCVHWM`):
   * the peer's `send()` returns `false` at this depth. 0 means no limit. Default 1000.
   */
  highWaterMark?: number;
}

/** Options for `InprocTransport.bind`. */
export interface InprocBindOptions extends BindOptions, InprocOptions {}

/** Options for `InprocTransport.connect`. */
export interface InprocConnectOptions extends ConnectOptions, InprocOptions {}

/** Options for `new InprocTransport()`. */
export interface InprocTransportOptions {
  /** The default context for binds and connects. Default `defaultInprocContext`. */
  context?: InprocContext;
}

const DEFAULT_HWM = 1000;

function highWaterMark(value: number | undefined, endpoint: string): number {
  if (value === undefined) return DEFAULT_HWM;
  if (!Number.isInteger(value) || value < 0) {
    throw new TransportError(
      "EINVAL",
      `highWaterMark must be an integer >= 0, got ${value}`,
      endpoint,
    );
  }
  return value;
}

/**
 * The inproc transport: `inproc://name`, message pipes within one process,
 * passed by reference (no codec, no copy). Bind and connect may come in either
 * order: a connect before the bind stays pending until the name is bound (or
 * its signal aborts).
 */
export class InprocTransport
  implements Transport<MessageConnection, InprocBindOptions, InprocConnectOptions>
{
  readonly scheme = "inproc";
  readonly kind = "message" as const;
  readonly context: InprocContext;

  constructor(options: InprocTransportOptions = {}) {
    this.context = options.context ?? defaultInprocContext;
  }

  checkEndpoint(endpoint: string): void {
    parseEndpointFor("inproc", endpoint);
  }

  async bind(
    endpoint: string,
    options: InprocBindOptions = {},
  ): Promise<Listener<MessageConnection>> {
    const { address: name } = parseEndpointFor("inproc", endpoint);
    const hwm = highWaterMark(options.highWaterMark, endpoint);
    throwIfAborted(options.signal, endpoint);
    const context = options.context ?? this.context;
    if (context.has(name)) {
      throw new TransportError("EADDRINUSE", `inproc name already bound: ${endpoint}`, endpoint);
    }
    const listener = new InprocListener(name, context, hwm);
    context.register(name, listener);
    return listener;
  }

  connect(endpoint: string, options: InprocConnectOptions = {}): Promise<MessageConnection> {
    try {
      const { address: name } = parseEndpointFor("inproc", endpoint);
      const hwm = highWaterMark(options.highWaterMark, endpoint);
      const { signal } = options;
      throwIfAborted(signal, endpoint);
      const context = options.context ?? this.context;
      const listener = context.lookup(name);
      if (listener !== undefined) return Promise.resolve(listener.accept(hwm));
      return new Promise<MessageConnection>((resolve, reject) => {
        const withdraw = context.wait(name, {
          attach: (bound) => {
            offAbort();
            resolve(bound.accept(hwm));
          },
        });
        const offAbort = onAbort(signal, () => {
          withdraw();
          reject(abortError(endpoint, signal?.reason));
        });
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

/** The inproc transport over `defaultInprocContext`. */
export const inproc: InprocTransport = new InprocTransport();
