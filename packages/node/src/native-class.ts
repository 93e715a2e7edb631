/**
 * zeromq.js's `Socket`, `Context` and `Proxy` are native (N-API) classes: calling one
 * without `new` is a TypeError with V8's words for a class it cannot name, "Class
 * constructors cannot be invoked without 'new'". An ES class names itself in that message
 * ("Class constructor Context cannot …"), so @zmq/node exports these three through a
 * `Proxy` that gives the native text on a call and forwards everything else (`new`,
 * `extends`, `instanceof`, statics) to the class itself.
 */

/** `target`, except that calling it without `new` throws zeromq.js's TypeError. */
export function asNativeClass<C extends { readonly prototype: object }>(target: C): C {
  const wrapped = new Proxy(target, {
    apply() {
      throw new TypeError("Class constructors cannot be invoked without 'new'");
    },
  });
  // `target.prototype.constructor` stays the class itself: V8 names instances by it in its
  // messages ("Cannot set property type of #<Socket> …"), and cannot see through a Proxy.
  return wrapped;
}
