// Klaro: pre-ticked services, no decline button, modal that must be answered.
window.klaroConfig = {
    version: 1,
    mustConsent: true,
    hideDeclineAll: true,
    default: true,
    optOut: true,
    cookieExpiresAfterDays: 400,
    storageMethod: 'localStorage',
    translations: {
        nb: { acceptAll: 'Godta alle', acceptSelected: 'Lagre valg',
              purposes: { statistikk: { title: 'Statistikk' } } },
        sv: { acceptAll: 'Godkänn alla' },
    },
    services: [
        { name: 'ga', purposes: ['statistikk'], cookies: [/^_ga/, '_gid'] },
        { name: 'hubspot', purposes: ['marketing'], default: false,
          cookies: [{ pattern: '^__hs', path: '/', domain: '.acme.example' }] },
        { name: 'session', purposes: ['legitimateInterest'], required: true, cookies: ['PHPSESSID'] },
    ],
};
