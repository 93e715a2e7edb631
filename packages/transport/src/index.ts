/**
 * transport (under construction).
 */
export {};
