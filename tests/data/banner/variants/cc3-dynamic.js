// cookieconsent v3 with values only known at run time: nothing here may be executed.
import * as CookieConsent from 'vanilla-cookieconsent';

const shared = { readOnly: false };

CookieConsent.run({
    mode: (function () { throw new Error('must not run'); })(),
    revision: 4,
    cookie: {
        expiresAfterDays: (acceptType) => acceptType === 'all' ? 365 : 182,
    },
    categories: {
        necessary: { enabled: true, readOnly: true },
        analytics: {
            ...shared,
            get enabled() { return true; },
            autoClear: { cookies: [{ name: /^_ga/ }, { name: cookieName }] },
        },
    },
    language: {
        default: 'en',
        translations: {
            en: {
                consentModal: {
                    acceptAllBtn: t('accept'),
                    acceptNecessaryBtn: `Reject all`,
                },
            },
            de: '/assets/lang/de.json',
            sv: async () => (await fetch('/sv.json')).json(),
        },
    },
});
