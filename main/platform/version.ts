/** The studio's version; a test keeps it equal to package.json's. */
export const studioVersion = '0.1.0'
