// orestbida/cookieconsent v3 -- COMPLIANT with the bundled policy (policies/inmeta.yaml).
// Check it:  gdpr-policy banner examples/banners/cookieconsent/compliant.js
//
// Trackers are blocked in the page until consent, e.g.
//   <script type="text/plain" data-category="analytics" data-service="google_tag_manager">...</script>
// and the footer has <button data-cc="show-preferencesModal">Cookie settings</button>.

CookieConsent.run({
    mode: 'opt-in',                 // nothing optional runs before a choice
    revision: 1,                    // the revision policies/inmeta.yaml requires (consent.banner_revision)
    disablePageInteraction: false,  // no cookie wall (statement S05)
    cookie: {
        name: 'cc_cookie',
        expiresAfterDays: 182       // within the policy's consent.max_lifetime (P13M)
    },
    guiOptions: {
        consentModal: { layout: 'box', equalWeightButtons: true },
        preferencesModal: { layout: 'box', equalWeightButtons: true }
    },
    categories: {
        necessary: {
            enabled: true,
            readOnly: true,
            services: {
                sanity_session: { label: 'Sanity CMS session' }
            }
        },
        analytics: {
            enabled: false,
            autoClear: { cookies: [{ name: /^_ga($|_)/ }, { name: '_gid' }] },
            services: {
                google_tag_manager: { label: 'Google Tag Manager' },
                google_analytics: {
                    label: 'Google Analytics 4',
                    cookies: [{ name: /^_ga($|_)/ }, { name: '_gid' }]
                },
                hubspot: {
                    label: 'HubSpot',
                    cookies: [{ name: 'hubspotutk' }, { name: /^__hs(tc|sc|src)$/ }]
                }
            }
        },
        marketing: {
            enabled: false,
            autoClear: { cookies: [{ name: '_fbp' }, { name: '_fbc' }, { name: '_gcl_au' }] },
            services: {
                linkedin_insight: {
                    label: 'LinkedIn Insight Tag',
                    cookies: [{ name: 'li_sugr', domain: '.linkedin.com' }, { name: 'bcookie', domain: '.linkedin.com' }]
                },
                meta_pixel: { label: 'Meta Pixel', cookies: [{ name: '_fbp' }, { name: '_fbc' }] },
                campaign_tracking: { label: 'Campaign tracking', cookies: [{ name: '_gcl_au' }] }
            }
        }
    },
    language: {
        default: 'nb',
        translations: {
            nb: {
                consentModal: {
                    title: 'Informasjonskapsler',
                    description: 'Vi bruker nødvendige informasjonskapsler. Med ditt samtykke bruker vi også analyse og markedsføring. Du kan endre valget når som helst under «Innstillinger for informasjonskapsler».',
                    acceptAllBtn: 'Godta alle',
                    acceptNecessaryBtn: 'Avvis alle',
                    showPreferencesBtn: 'Velg selv'
                },
                preferencesModal: {
                    title: 'Innstillinger for informasjonskapsler',
                    acceptAllBtn: 'Godta alle',
                    acceptNecessaryBtn: 'Avvis alle',
                    savePreferencesBtn: 'Lagre valg',
                    sections: [
                        { title: 'Nødvendige', linkedCategory: 'necessary' },
                        { title: 'Analyse', linkedCategory: 'analytics' },
                        { title: 'Markedsføring', linkedCategory: 'marketing' }
                    ]
                }
            },
            en: {
                consentModal: {
                    title: 'Cookies',
                    description: 'We use necessary cookies. With your consent we also use analytics and marketing cookies. You can change your choice at any time under "Cookie settings".',
                    acceptAllBtn: 'Accept all',
                    acceptNecessaryBtn: 'Reject all',
                    showPreferencesBtn: 'Choose'
                },
                preferencesModal: {
                    title: 'Cookie settings',
                    acceptAllBtn: 'Accept all',
                    acceptNecessaryBtn: 'Reject all',
                    savePreferencesBtn: 'Save my choice',
                    sections: [
                        { title: 'Necessary', linkedCategory: 'necessary' },
                        { title: 'Analytics', linkedCategory: 'analytics' },
                        { title: 'Marketing', linkedCategory: 'marketing' }
                    ]
                }
            }
        }
    }
});

// The footer's "Cookie settings" button reopens the choices, so withdrawing is as easy as
// consenting (GDPR Art. 7(3); statement S04, S35).
document.getElementById('cookie-settings').addEventListener('click', function () {
    CookieConsent.showPreferences();
});
