var klaroConfig = {
    version: 1,
    storageMethod: 'cookie',
    cookieExpiresAfterDays: 180,
    default: false,
    mustConsent: false,
    acceptAll: true,
    hideDeclineAll: false,
    hideLearnMore: false,
    translations: {
        en: {
            consentNotice: { description: 'We use {purposes}.' },
            ok: 'Accept all',
            decline: 'Reject all',
            purposes: { functional: 'Necessary', analytics: 'Analytics', marketing: 'Marketing' }
        }
    },
    services: [
        { name: 'cms_session', title: 'CMS session', purposes: ['functional'], required: true, cookies: ['PHPSESSID'] },
        { name: 'gtm', title: 'Google Tag Manager', purposes: ['analytics'] },
        { name: 'ga4', title: 'Google Analytics 4', purposes: ['analytics'], cookies: ['^_ga($|_)', '_gid'] },
        { name: 'hubspot', title: 'HubSpot', purposes: ['marketing'], cookies: ['hubspotutk', '^__hs(tc|sc|src)$'] },
        { name: 'meta_pixel', title: 'Meta Pixel', purposes: ['marketing'], cookies: ['_fbp'] }
    ]
};

document.querySelector('#cookie-settings').onclick = function () { klaro.show(); };
