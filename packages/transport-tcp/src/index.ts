/**
 * transport-tcp (under construction).
 */
export {};
