// The spec version this release of the suite is written against. Changing it is a deliberate act: bump both
// fields together and run `npm test`, whose typecheck shows what the new version breaks.
export const pinnedSpec = {
  repository: 'scalekit-inc/developer-docs',
  commit: '96ada4a758b059321d79075923f734e7fcc96624',
  path: 'public/api/scalekit.scalar.json',
  url: 'https://raw.githubusercontent.com/scalekit-inc/developer-docs/96ada4a758b059321d79075923f734e7fcc96624/public/api/scalekit.scalar.json',
  sha256: '8effcdf35975e983ebe2fa17c9db5daf555b06e06b8f8ee4f10234eaac7b60ed',
} as const;
