/**
 * Socket events, as zeromq.js's `Observer` reports them: `await receive()`,
 * `for await (const event of socket.events)`, or `on(type, listener)`. Every
 * event is also published on the runtime's event channel (as `{ socket, event }`)
 * when that channel has subscribers: on Node, the `diagnostics_channel` channel
 * `zmq:socket:event`.
 */
import { type AuthError, ZmqError } from "./errors";
import type { EventChannel } from "./runtime";

/** The field every event has: its name. */
export interface EventTag<T extends string> {
  /** The event's name, e.g. `"connect"`; the other fields depend on it. */
  type: T;
}
/** The endpoint field of events about one endpoint or connection. */
export interface EventAddress {
  /**
   * The endpoint, e.g. `"tcp://127.0.0.1:5555"`. As libzmq reports them (and so
   * zeromq.js): `bind:error` gives it without the scheme (`"127.0.0.1:5555"`, the
   * bare ipc path), and the `close` that precedes a failed tcp bind has none.
   */
  address: string;
}
/** The delay field of `connect:retry`. */
export interface EventInterval {
  /** Milliseconds until the next attempt. */
  interval: number;
}
/** The error field of `…:error` events. */
export interface EventError<E = ZmqError> {
  /** What went wrong. */
  error: E;
}
/** A protocol error from a handshake: `code` is `ERR_ZMTP_…` / `ERR_ZAP_…`. */
export interface ProtoError extends Error {
  /** The stable error code, e.g. `"ERR_ZMTP_MALFORMED_COMMAND"`. */
  code: string;
}
export type { AuthError };

/**
 * A connection event: `type` names it (`"connect"`, `"handshake"`, `"disconnect"` …) and
 * the other fields depend on it (`address`, `interval`, `error` …).
 */
export type Event =
  | (EventTag<"accept"> & EventAddress)
  | (EventTag<"accept:error"> & EventAddress & EventError)
  | (EventTag<"bind"> & EventAddress)
  | (EventTag<"bind:error"> & EventAddress & EventError)
  | (EventTag<"connect"> & EventAddress)
  | (EventTag<"connect:delay"> & EventAddress)
  | (EventTag<"connect:retry"> & EventAddress & EventInterval)
  | (EventTag<"close"> & EventAddress)
  | (EventTag<"close:error"> & EventAddress & EventError)
  | (EventTag<"disconnect"> & EventAddress)
  | EventTag<"end">
  | (EventTag<"handshake"> & EventAddress)
  | (EventTag<"handshake:error:protocol"> & EventAddress & EventError<ProtoError>)
  | (EventTag<"handshake:error:auth"> & EventAddress & EventError<AuthError>)
  | (EventTag<"handshake:error:other"> & EventAddress & EventError)
  | EventTag<"unknown">;

/** The names of the events an `Observer` reports. */
export type EventType = Event["type"];
/** The event object for one event type `E`. */
export type EventOfType<E extends EventType = EventType> = Extract<Event, EventTag<E>>;

/** What `Observer#on`/`off` (and the `emitter`) offer, as zeromq.js's `EventSubscriber`. */
export interface EventSubscriber {
  /** Calls `listener` for every event of `type` (switches the observer to emitter mode). */
  on<E extends EventType>(type: E, listener: (data: EventOfType<E>) => void): EventSubscriber;
  /** Removes a listener added with `on`. */
  off<E extends EventType>(type: E, listener: (data: EventOfType<E>) => void): EventSubscriber;
}

const EMITTER_MODE =
  "Observer is in event emitter mode. After a call to events.on() it is not possible to read events with events.receive().";

/** Listeners by event type, called in the order they were added (an `EventEmitter`'s `on`/`off`). */
class Listeners implements EventSubscriber {
  readonly #byType = new Map<string, Array<(event: Event) => void>>();

  on<E extends EventType>(type: E, listener: (data: EventOfType<E>) => void): this {
    const list = this.#byType.get(type);
    const fn = listener as (event: Event) => void;
    if (list === undefined) this.#byType.set(type, [fn]);
    else list.push(fn);
    return this;
  }

  off<E extends EventType>(type: E, listener: (data: EventOfType<E>) => void): this {
    const list = this.#byType.get(type);
    if (list === undefined) return this;
    const index = list.lastIndexOf(listener as (event: Event) => void);
    if (index < 0) return this;
    // A copy: an emit in progress keeps calling the listeners it started with.
    const next = [...list.slice(0, index), ...list.slice(index + 1)];
    if (next.length === 0) this.#byType.delete(type);
    else this.#byType.set(type, next);
    return this;
  }

  emit(event: Event): void {
    const list = this.#byType.get(event.type);
    if (list === undefined) return;
    for (const listener of list) listener(event);
  }
}

/** Events kept for an observer nobody reads yet; older ones are dropped past this (libzmq's monitor HWM). */
const MAX_QUEUED_EVENTS = 1000;

/** What keeps the process alive while an operation is pending (the socket's Context). */
export interface Keepalive {
  _hold(): void;
  _release(): void;
}

/** The per-socket fan-out point for events. Internal. */
export class EventHub {
  readonly #owner: object;
  readonly #channel: EventChannel | undefined;
  readonly #observers = new Set<Observer>();
  #ended = false;
  /** @internal A pending `Observer.receive()` holds the process, like a pending socket receive. */
  readonly keepalive: Keepalive | undefined;

  constructor(owner: object, keepalive?: Keepalive, channel?: EventChannel) {
    this.#owner = owner;
    this.keepalive = keepalive;
    this.#channel = channel;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** True when anything listens, so callers can skip building events. */
  get active(): boolean {
    return this.#observers.size > 0 || this.#channel?.hasSubscribers === true;
  }

  add(observer: Observer): void {
    if (this.#ended) observer._push({ type: "end" }, true);
    else this.#observers.add(observer);
  }

  remove(observer: Observer): void {
    this.#observers.delete(observer);
  }

  emit(event: Event): void {
    if (this.#ended) return;
    const channel = this.#channel;
    if (channel?.hasSubscribers) channel.publish({ socket: this.#owner, event });
    for (const observer of this.#observers) observer._push(event, false);
  }

  /** The socket closed: every observer gets `end`, then finishes. */
  end(): void {
    if (this.#ended) return;
    this.emit({ type: "end" });
    this.#ended = true;
    for (const observer of this.#observers) observer._finish();
    this.#observers.clear();
  }
}

/** Anything that has an event hub (every Socket). */
export interface Observable {
  readonly _eventHub: EventHub;
}

interface Waiter {
  resolve(event: Event): void;
  reject(error: Error): void;
}

/**
 * The connection events of one socket (zeromq.js's `Observer`, `socket.events`). Read them
 * with `for await (const event of socket.events)` or `receive()`, or register listeners
 * with `on`/`off`.
 */
export class Observer {
  readonly #hub: EventHub;
  #queue: Event[] = [];
  #head = 0;
  #waiter: Waiter | undefined;
  #closed = false;
  #emitter: Listeners | undefined;
  /** Emitter mode holds the process until the observer closes (zeromq.js keeps a read pending). */
  #emitterHold = false;

  /** Observes the connection events of `socket`. */
  constructor(socket: Observable) {
    let hub: EventHub | undefined;
    try {
      hub = (socket as Partial<Observable> | null)?._eventHub;
    } catch {
      hub = undefined;
    }
    // As zeromq.js: a non-socket is an invalid argument, a closed socket is gone.
    if (!(hub instanceof EventHub)) throw new Error("Invalid argument");
    if ((socket as { closed?: unknown }).closed === true) throw new ZmqError("ENOTSOCK");
    this.#hub = hub;
    this.#hub.add(this);
  }

  /** True once the observer was closed or its socket closed and every event was read. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Stops observing. A pending `receive` rejects with EAGAIN. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#hub.remove(this);
    this.#queue = [];
    this.#head = 0;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter) this.#hub.keepalive?._release();
    this.#releaseEmitterHold();
    // As zeromq.js: the pending read fails as on a socket that is gone.
    waiter?.reject(new ZmqError("ENOTSOCK"));
  }

  /**
   * The next event. Throws (synchronously, as zeromq.js) with EBADF once the observer
   * is closed, EBUSY while another `receive` is pending, and in emitter mode.
   */
  receive(): Promise<Event> {
    if (this.#emitter) throw new Error(EMITTER_MODE);
    return this.#next();
  }

  /** The `EventSubscriber` behind `on`/`off` (created on first use; switches to emitter mode). */
  get emitter(): EventSubscriber {
    return this.#emitterMode();
  }

  #next(): Promise<Event> {
    if (this.#head < this.#queue.length) {
      const event = this.#queue[this.#head++]!;
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      }
      if (event.type === "end") this.#closeAfterEnd();
      return Promise.resolve(event);
    }
    if (this.#closed) throw new ZmqError("EBADF");
    if (this.#waiter) {
      throw new ZmqError(
        "EBUSY",
        "Observer is busy reading; only one receive operation may be in progress at any time",
      );
    }
    return new Promise<Event>((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#hub.keepalive?._hold();
    });
  }

  /** Calls `listener` for every event of `type` (switches the observer to emitter mode). */
  on<E extends EventType>(type: E, listener: (data: EventOfType<E>) => void): EventSubscriber {
    return this.#emitterMode().on(type, listener);
  }

  /** Removes a listener added with `on`. */
  off<E extends EventType>(type: E, listener: (data: EventOfType<E>) => void): EventSubscriber {
    return this.#emitterMode().off(type, listener);
  }

  /** Yields every event until the observer or its socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<Event, undefined> {
    return {
      next: async (): Promise<IteratorResult<Event, undefined>> => {
        if (this.#emitter) throw new Error(EMITTER_MODE);
        if (this.#closed) return { done: true, value: undefined };
        try {
          const event = await this.#next();
          return { done: false, value: event };
        } catch (error) {
          if (this.#closed) return { done: true, value: undefined };
          throw error;
        }
      },
    };
  }

  #emitterMode(): Listeners {
    if (!this.#emitter) {
      const emitter = new Listeners();
      this.#emitter = emitter;
      const pump = () => {
        let ended = false;
        while (this.#head < this.#queue.length) {
          const event = this.#queue[this.#head++]!;
          if (event.type === "end") ended = true;
          emitter.emit(event);
        }
        this.#queue = [];
        this.#head = 0;
        if (ended) this.#closeAfterEnd();
      };
      queueMicrotask(pump);
      // As in zeromq.js, whose emitter keeps a receive pending on the observer: the
      // process stays alive while listeners may still be called, until the observer
      // (or its socket) closes.
      if (!this.#closed && this.#hub.keepalive !== undefined) {
        this.#emitterHold = true;
        this.#hub.keepalive._hold();
      }
    }
    return this.#emitter;
  }

  #releaseEmitterHold(): void {
    if (!this.#emitterHold) return;
    this.#emitterHold = false;
    this.#hub.keepalive?._release();
  }

  /** @internal An event from the socket. */
  _push(event: Event, last: boolean): void {
    if (this.#closed) return;
    if (this.#emitter) {
      this.#emitter.emit(event);
      if (last || event.type === "end") this.#closeAfterEnd();
      return;
    }
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      this.#hub.keepalive?._release();
      if (event.type === "end") this.#closeAfterEnd();
      waiter.resolve(event);
      return;
    }
    if (this.#queue.length - this.#head >= MAX_QUEUED_EVENTS) this.#head++;
    this.#queue.push(event);
  }

  /** @internal The socket closed after its `end` event. */
  _finish(): void {
    if (this.#head >= this.#queue.length) this.#closeAfterEnd();
  }

  #closeAfterEnd(): void {
    if (this.#head < this.#queue.length) return;
    this.#closed = true;
    this.#hub.remove(this);
    this.#releaseEmitterHold();
  }
}
