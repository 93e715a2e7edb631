/**
 * transport-ipc (under construction).
 */
export {};
