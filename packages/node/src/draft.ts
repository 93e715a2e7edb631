/**
 * `@zmq/node/draft` — libzmq's draft socket types with zeromq.js's `zeromq/draft`
 * API: `Server`/`Client`, `Radio`/`Dish`, `Scatter`/`Gather`, `Datagram`, plus
 * `Peer` and `Channel`. All of them are single-part: sending more than one frame
 * rejects with EINVAL, and multipart input is dropped.
 *
 * ```ts
 * import { Dish, Radio } from "@zmq/node/draft";
 *
 * const dish = new Dish();
 * dish.join("weather");
 * await dish.bind("udp://127.0.0.1:5556"); // or tcp/ipc/inproc, where the RADIO binds or connects
 * const radio = new Radio();
 * radio.connect("udp://127.0.0.1:5556");
 * await radio.send("sunny", { group: "weather" });
 * const [message, { group }] = await dish.receive();
 * console.log(group.toString(), message.toString()); // weather sunny
 * ```
 *
 * @packageDocumentation
 *
 * @module @zmq/node/draft
 */
import { useNodeDefaultContext } from "./context";
import "./message"; // received frames are Buffers (the type augmentation)

useNodeDefaultContext();

export {
  Channel,
  Client,
  Datagram,
  Dish,
  type DishGroupOptions,
  type DraftReadable,
  DraftSocketType,
  type DraftWritable,
  Gather,
  Peer,
  Radio,
  type RadioGroupOptions,
  Scatter,
  Server,
  type ServerRoutingOptions,
} from "@zmq/socket";
