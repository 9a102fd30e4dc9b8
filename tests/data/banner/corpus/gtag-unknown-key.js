window.dataLayer = window.dataLayer || [];
function gtag() { dataLayer.push(arguments); }
gtag('consent', 'default', {
    ad_storage: 'denied',
    ad_user_data: 'denied',
    ad_personalization: 'denied',
    analytics_storage: 'denied',
    security_storage: 'granted',
    wait_for_update: 500, developer_id: 'x'
});
gtag('set', 'ads_data_redaction', true);
