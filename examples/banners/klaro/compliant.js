// Klaro 0.7 -- COMPLIANT with the bundled policy (policies/inmeta.yaml).
// Check it:  gdpr-policy banner examples/banners/klaro/compliant.js
// Trackers are blocked in the page (<script type="text/plain" data-name="googleAnalytics">)
// and the footer has <a href="#" onclick="return klaro.show();">Cookie settings</a>.

var klaroConfig = {
    version: 1,
    storageMethod: 'cookie',
    storageName: 'klaro',
    cookieExpiresAfterDays: 180,     // within consent.max_lifetime (P13M)
    default: false,                  // nothing is switched on before the visitor decides
    mustConsent: false,              // no cookie wall (statement S05)
    acceptAll: true,
    hideDeclineAll: false,           // "Reject all" on the first layer
    hideLearnMore: false,
    translations: {
        zz: { privacyPolicyUrl: '/personvern' },
        nb: {
            consentNotice: { description: 'Vi vil gjerne bruke tjenester til {purposes}. Du kan endre valget når som helst.' },
            ok: 'Godta alle',
            decline: 'Avvis alle',
            purposes: {
                functional: { title: 'Nødvendige' },
                analytics: { title: 'Analyse' },
                marketing: { title: 'Markedsføring' }
            }
        },
        sv: {
            consentNotice: { description: 'Vi vill använda tjänster för {purposes}. Du kan ändra ditt val när som helst.' },
            ok: 'Godkänn alla',
            decline: 'Avvisa alla',
            purposes: {
                functional: { title: 'Nödvändiga' },
                analytics: { title: 'Analys' },
                marketing: { title: 'Marknadsföring' }
            }
        }
    },
    services: [
        { name: 'sanitySession', title: 'Sanity CMS', purposes: ['functional'], required: true },
        { name: 'googleTagManager', title: 'Google Tag Manager', purposes: ['analytics'], default: false },
        {
            name: 'googleAnalytics', title: 'Google Analytics 4', purposes: ['analytics'], default: false,
            cookies: [['^_ga($|_)', '/', '.inmeta.no'], '_gid']
        },
        {
            name: 'hubspot', title: 'HubSpot', purposes: ['analytics'], default: false,
            cookies: ['hubspotutk', '^__hs(tc|sc|src)$']
        },
        {
            name: 'linkedinInsight', title: 'LinkedIn Insight Tag', purposes: ['marketing'], default: false,
            cookies: [{ pattern: 'li_sugr', path: '/', domain: '.linkedin.com' }]
        },
        { name: 'metaPixel', title: 'Meta Pixel', purposes: ['marketing'], default: false, cookies: ['_fbp', '_fbc'] },
        { name: 'campaignTracking', title: 'Campaign tracking', purposes: ['marketing'], default: false, cookies: ['_gcl_au'] }
    ]
};

// The footer's "Cookie settings" link reopens the choices, so withdrawing is as easy as
// consenting (GDPR Art. 7(3); statement S04, S35).
document.getElementById('cookie-settings').addEventListener('click', function (event) {
    event.preventDefault();
    klaro.show();
});
