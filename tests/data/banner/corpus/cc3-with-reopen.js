CookieConsent.run({
    mode: 'opt-in',
    revision: 3,
    cookie: { name: 'cc_cookie', expiresAfterDays: 182 },
    guiOptions: {
        consentModal: { layout: 'box', equalWeightButtons: true },
        preferencesModal: { layout: 'box', equalWeightButtons: true }
    },
    categories: {
        necessary: {
            enabled: true,
            readOnly: true,
            services: { cms_session: { label: 'CMS session', cookies: [{ name: 'PHPSESSID' }] } }
        },
        analytics: {
            enabled: false,
            autoClear: { cookies: [{ name: /^_ga($|_)/ }] },
            services: {
                gtm: { label: 'Google Tag Manager' },
                ga4: { label: 'Google Analytics 4', cookies: [{ name: /^_ga($|_)/ }, { name: '_gid' }] }
            }
        },
        marketing: {
            enabled: false,
            services: {
                hubspot: { label: 'HubSpot', cookies: [{ name: 'hubspotutk' }, { name: /^__hs(tc|sc|src)$/ }] },
                meta_pixel: { label: 'Meta Pixel', cookies: [{ name: '_fbp' }] }
            }
        }
    },
    language: {
        default: 'en',
        translations: {
            en: {
                consentModal: {
                    title: 'Cookies',
                    description: 'We use cookies. {{revisionMessage}}',
                    revisionMessage: 'Our policy changed.',
                    acceptAllBtn: 'Accept all',
                    acceptNecessaryBtn: 'Reject all',
                    showPreferencesBtn: 'Choose'
                },
                preferencesModal: { title: 'Cookie settings', sections: [] }
            },
            nb: {
                consentModal: {
                    title: 'Informasjonskapsler',
                    acceptAllBtn: 'Godta alle',
                    acceptNecessaryBtn: 'Avvis alle',
                    showPreferencesBtn: 'Velg selv'
                },
                preferencesModal: { title: 'Innstillinger', sections: [] }
            }
        }
    }
});

document.getElementById('cookie-settings').addEventListener('click', function () {
    CookieConsent.showPreferences();
});
