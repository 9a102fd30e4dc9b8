// Google Consent Mode v2 (gtag.js) -- NON-COMPLIANT: breaks banner.consent-mode-default-granted.
// The default denies everything for the listed EU countries only, and grants analytics_storage
// everywhere else -- Norway and Sweden are missing from the list, so analytics cookies are set
// for Norwegian and Swedish visitors before any choice. (A more specific region overrides the
// default without a region.)
window.dataLayer = window.dataLayer || [];
function gtag() { dataLayer.push(arguments); }

gtag('consent', 'default', {
    ad_storage: 'denied',
    ad_user_data: 'denied',
    ad_personalization: 'denied',
    analytics_storage: 'granted'     // <- granted for every region not listed below
});
gtag('consent', 'default', {
    ad_storage: 'denied',
    ad_user_data: 'denied',
    ad_personalization: 'denied',
    analytics_storage: 'denied',
    region: ['DE', 'FR', 'NL', 'DK', 'FI']
});
