/**
 * transport-inproc (under construction).
 */
export {};
