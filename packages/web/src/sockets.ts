/**
 * The socket classes of @zmq/web: the socket layer's, made on the web context
 * unless given another. They only `connect()` (to `ws://` or `wss://`).
 */
import * as S from "@zmq/socket";
import { defaultContext } from "./context";

type WithContext = { context?: S.Context } | undefined;

function withContext<T extends WithContext>(options: T): T {
  if (options?.context !== undefined) return options;
  return { ...options, context: defaultContext() } as T;
}

/** REQ. */
export class Request extends S.Request {
  /**
   * A new socket, not connected yet.
   * @param options - initial values of its option properties, and `context`:
   *   the shared web context ({@link defaultContext}) when left out.
   */
  constructor(options?: S.SocketOptions<S.Request>) {
    super(withContext(options));
  }
}
/** REP. */
export class Reply extends S.Reply {
  /**
   * A new socket, not connected yet.
   * @param options - initial values of its option properties, and `context`:
   *   the shared web context ({@link defaultContext}) when left out.
   */
  constructor(options?: S.SocketOptions<S.Reply>) {
    super(withContext(options));
  }
}
/** DEALER. */
export class Dealer extends S.Dealer {
  /**
   * A new socket, not connected yet.
   * @param options - initial values of its option properties, and `context`:
   *   the shared web context ({@link defaultContext}) when left out.
   */
  constructor(options?: S.SocketOptions<S.Dealer>) {
    super(withContext(options));
  }
}
/** ROUTER. */
export class Router extends S.Router {
  /**
   * A new socket, not connected yet.
   * @param options - initial values of its option properties, and `context`:
   *   the shared web context ({@link defaultContext}) when left out.
   */
  constructor(options?: S.SocketOptions<S.Router>) {
    super(withContext(options));
  }
}
/** PUB. */
export class Publisher extends S.Publisher {
  /**
   * A new socket, not connected yet.
   * @param options - initial values of its option properties, and `context`:
   *   the shared web context ({@link defaultContext}) when left out.
   */
  constructor(options?: S.SocketOptions<S.Publisher>) {
    super(withContext(options));
  }
}
/** SUB. */
export class Subscriber extends S.Subscriber {
  /**
   * A new socket, not connected yet.
   * @param options - initial values of its option properties, and `context`:
   *   the shared web context ({@link defaultContext}) when left out.
   */
  constructor(options?: S.SocketOptions<S.Subscriber>) {
    super(withContext(options));
  }
}
/** XPUB. */
export class XPublisher extends S.XPublisher {
  /**
   * A new socket, not connected yet.
   * @param options - initial values of its option properties, and `context`:
   *   the shared web context ({@link defaultContext}) when left out.
   */
  constructor(options?: S.SocketOptions<S.XPublisher>) {
    super(withContext(options));
  }
}
/** XSUB. */
export class XSubscriber extends S.XSubscriber {
  /**
   * A new socket, not connected yet.
   * @param options - initial values of its option properties, and `context`:
   *   the shared web context ({@link defaultContext}) when left out.
   */
  constructor(options?: S.SocketOptions<S.XSubscriber>) {
    super(withContext(options));
  }
}
/** PUSH. */
export class Push extends S.Push {
  /**
   * A new socket, not connected yet.
   * @param options - initial values of its option properties, and `context`:
   *   the shared web context ({@link defaultContext}) when left out.
   */
  constructor(options?: S.SocketOptions<S.Push>) {
    super(withContext(options));
  }
}
/** PULL. */
export class Pull extends S.Pull {
  /**
   * A new socket, not connected yet.
   * @param options - initial values of its option properties, and `context`:
   *   the shared web context ({@link defaultContext}) when left out.
   */
  constructor(options?: S.SocketOptions<S.Pull>) {
    super(withContext(options));
  }
}
/** PAIR. */
export class Pair extends S.Pair {
  /**
   * A new socket, not connected yet.
   * @param options - initial values of its option properties, and `context`:
   *   the shared web context ({@link defaultContext}) when left out.
   */
  constructor(options?: S.SocketOptions<S.Pair>) {
    super(withContext(options));
  }
}
/** CLIENT (draft): talks to a SERVER, one message per frame. */
export class Client extends S.Client {
  /**
   * A new socket, not connected yet.
   * @param options - initial values of its option properties, and `context`:
   *   the shared web context ({@link defaultContext}) when left out.
   */
  constructor(options?: S.SocketOptions<S.Client>) {
    super(withContext(options));
  }
}
/** SCATTER (draft). */
export class Scatter extends S.Scatter {
  /**
   * A new socket, not connected yet.
   * @param options - initial values of its option properties, and `context`:
   *   the shared web context ({@link defaultContext}) when left out.
   */
  constructor(options?: S.SocketOptions<S.Scatter>) {
    super(withContext(options));
  }
}
/** GATHER (draft). */
export class Gather extends S.Gather {
  /**
   * A new socket, not connected yet.
   * @param options - initial values of its option properties, and `context`:
   *   the shared web context ({@link defaultContext}) when left out.
   */
  constructor(options?: S.SocketOptions<S.Gather>) {
    super(withContext(options));
  }
}
/** CHANNEL (draft). */
export class Channel extends S.Channel {
  /**
   * A new socket, not connected yet.
   * @param options - initial values of its option properties, and `context`:
   *   the shared web context ({@link defaultContext}) when left out.
   */
  constructor(options?: S.SocketOptions<S.Channel>) {
    super(withContext(options));
  }
}
