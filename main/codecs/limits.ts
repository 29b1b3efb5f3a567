/**
 * The most pixels any image decode in the studio accepts (64 MiP, e.g. 8192×8192): checked from the
 * file's header before pixel memory is allocated, for every decoder (pngjs, sharp).
 */
export const maxImagePixels = 64 * 1024 * 1024
