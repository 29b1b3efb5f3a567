// Molfile texts for tests, as other programs write them.

/** Ethanol (C–C–O) as a V2000 record without hydrogens (they are implicit), as lines. */
export const ethanolWithoutHydrogens: readonly string[] = [
  'ethanol',
  '  test',
  '',
  '  3  2  0  0  0  0  0  0  0  0999 V2000',
  '    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0',
  '    1.5000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0',
  '    2.0000    1.4000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0',
  '  1  2  1  0',
  '  2  3  1  0',
  'M  END'
]
