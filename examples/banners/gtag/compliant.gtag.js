// Google Consent Mode v2 (gtag.js) -- COMPLIANT with the bundled policy.
// Check it:  gdpr-policy banner examples/banners/gtag/compliant.gtag.js
// Placed in <head> before the Tag Manager snippet; the banner sends gtag('consent', 'update', ...)
// after the visitor's choice.
window.dataLayer = window.dataLayer || [];
function gtag() { dataLayer.push(arguments); }

// Everywhere (no region): deny all four consent mode parameters until the visitor chooses.
gtag('consent', 'default', {
    ad_storage: 'denied',
    ad_user_data: 'denied',
    ad_personalization: 'denied',
    analytics_storage: 'denied',
    functionality_storage: 'denied',
    personalization_storage: 'denied',
    security_storage: 'granted',     // strictly necessary
    wait_for_update: 500
});
gtag('set', 'ads_data_redaction', true);
