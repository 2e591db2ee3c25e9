//! The deterministic demo data written to `seed.json` on first start.
//!
//! Image URLs use the reserved `.test` domain, so nothing ever fetches them from a real host.

use serde_json::json;

use crate::model::{
    Account, Business, Campaign, Membership, Redemption, RedemptionType, Tenant, Token,
    TokenMetadata, User, World,
};

/// Id of the demo tenant.
pub(crate) const TENANT_ID: &str = "902a3260-bc4b-46eb-a07a-b2c86625ba78";
/// Id of the first business, Harbour Roasters.
pub(crate) const HARBOUR_ID: &str = "deccfb5a-22d4-4699-95e5-645fd857c7cb";
/// Id of the second business, Northside Bakery.
pub(crate) const NORTHSIDE_ID: &str = "12b6a014-0321-4586-a852-de8f1424d928";

const IMAGE_HOST: &str = "https://assets.demo-coffee.pers.test";

/// Builds the demo world: one tenant, two businesses, six campaigns, four tokens, three
/// redemptions (one inactive), two users and three demo accounts.
pub(crate) fn demo_world() -> World {
    World {
        tenant: demo_tenant(),
        businesses: demo_businesses(),
        campaigns: demo_campaigns(),
        tokens: demo_tokens(),
        redemptions: demo_redemptions(),
        users: demo_users(),
        accounts: demo_accounts(),
    }
}

fn image(path: &str) -> String {
    format!("{IMAGE_HOST}/{path}")
}

fn demo_tenant() -> Tenant {
    Tenant {
        id: TENANT_ID.to_owned(),
        project_name: "Demo Coffee Collective".to_owned(),
        project_description: "A loyalty program shared by independent coffee shops and bakeries."
            .to_owned(),
        project_website: "https://demo-coffee.pers.test".to_owned(),
        project_email: "hello@demo-coffee.pers.test".to_owned(),
        project_image_url: image("tenant/collective-logo.png"),
        created_at: "2025-01-15T09:00:00.000Z".to_owned(),
    }
}

fn demo_businesses() -> Vec<Business> {
    vec![
        Business {
            id: HARBOUR_ID.to_owned(),
            display_name: "Harbour Roasters".to_owned(),
            business_legal_name: "Harbour Roasters Ltd".to_owned(),
            description: "Small-batch roastery and espresso bar by the old harbour.".to_owned(),
            email: "team@harbour-roasters.pers.test".to_owned(),
            website: "https://harbour-roasters.pers.test".to_owned(),
            image_url: image("businesses/harbour-roasters.png"),
            account_address: "0x3f5CE5FBFe3E9af3971dD833D26bA9b5C936f0bE".to_owned(),
            is_active: true,
        },
        Business {
            id: NORTHSIDE_ID.to_owned(),
            display_name: "Northside Bakery".to_owned(),
            business_legal_name: "Northside Bakery Cooperative".to_owned(),
            description: "Sourdough, pastries and filter coffee from 7 am.".to_owned(),
            email: "bakers@northside-bakery.pers.test".to_owned(),
            website: "https://northside-bakery.pers.test".to_owned(),
            image_url: image("businesses/northside-bakery.png"),
            account_address: "0x8894E0a0c962CB723c1976a4421c95949bE2D4E3".to_owned(),
            is_active: true,
        },
    ]
}

/// Arguments of one demo campaign, to keep the table below readable.
struct CampaignSeed {
    id: &'static str,
    name: &'static str,
    description: &'static str,
    slug: &'static str,
    is_active: bool,
    business_id: &'static str,
    start_date: &'static str,
    end_date: &'static str,
}

const CAMPAIGN_SEEDS: [CampaignSeed; 6] = [
    CampaignSeed {
        id: "99f65d77-a123-4b43-995a-eb452ef6a227",
        name: "Spring Blend Launch",
        description: "Earn double points on every cup of our new spring single-origin blend.",
        slug: "spring-blend-launch",
        is_active: true,
        business_id: HARBOUR_ID,
        start_date: "2026-03-01T00:00:00.000Z",
        end_date: "2026-05-31T23:59:59.000Z",
    },
    CampaignSeed {
        id: "8cf9f429-0301-4dc3-a65b-d69f4fef02ab",
        name: "Loyalty Stamp Card",
        description: "Collect a stamp token with each visit; ten stamps earn a free flat white.",
        slug: "loyalty-stamp-card",
        is_active: true,
        business_id: HARBOUR_ID,
        start_date: "2026-01-01T00:00:00.000Z",
        end_date: "2026-12-31T23:59:59.000Z",
    },
    CampaignSeed {
        id: "0d6d6f09-6b98-46d5-a1fc-94f67607d317",
        name: "Winter Warmers",
        description: "Points for spiced lattes and hot chocolate during the cold months.",
        slug: "winter-warmers",
        is_active: false,
        business_id: HARBOUR_ID,
        start_date: "2025-11-01T00:00:00.000Z",
        end_date: "2026-02-28T23:59:59.000Z",
    },
    CampaignSeed {
        id: "79e2c95c-a51f-43ae-8339-64472318fc25",
        name: "Sourdough Saturdays",
        description: "Buy a loaf on Saturday morning and earn a bakery stamp.",
        slug: "sourdough-saturdays",
        is_active: true,
        business_id: NORTHSIDE_ID,
        start_date: "2026-02-01T00:00:00.000Z",
        end_date: "2026-10-31T23:59:59.000Z",
    },
    CampaignSeed {
        id: "0823c15e-368f-4328-bdc1-bf1df455bae6",
        name: "Breakfast Bundle",
        description: "A coffee and a pastry before 10 am earns bonus points.",
        slug: "breakfast-bundle",
        is_active: true,
        business_id: NORTHSIDE_ID,
        start_date: "2026-01-15T00:00:00.000Z",
        end_date: "2026-07-15T23:59:59.000Z",
    },
    CampaignSeed {
        id: "732bc49a-5dad-4d7b-84fa-6ed2c2e52dec",
        name: "Pastry Pre-order Pilot",
        description: "Pre-order pastries in the app and collect them without queueing.",
        slug: "pastry-preorder-pilot",
        is_active: false,
        business_id: NORTHSIDE_ID,
        start_date: "2026-06-01T00:00:00.000Z",
        end_date: "2026-08-31T23:59:59.000Z",
    },
];

fn demo_campaigns() -> Vec<Campaign> {
    CAMPAIGN_SEEDS
        .iter()
        .map(|seed| Campaign {
            id: seed.id.to_owned(),
            name: seed.name.to_owned(),
            description: seed.description.to_owned(),
            image_url: image(&format!("campaigns/{}.jpg", seed.slug)),
            external_url: format!("https://demo-coffee.pers.test/campaigns/{}", seed.slug),
            is_active: seed.is_active,
            is_testnet: true,
            start_date: seed.start_date.to_owned(),
            end_date: seed.end_date.to_owned(),
            business_id: seed.business_id.to_owned(),
            created_at: "2025-12-01T10:00:00.000Z".to_owned(),
        })
        .collect()
}

fn metadata(name: &str, description: &str, image_path: &str) -> TokenMetadata {
    TokenMetadata {
        name: name.to_owned(),
        description: description.to_owned(),
        image_url: image(image_path),
    }
}

fn demo_tokens() -> Vec<Token> {
    let token = |id: &str, address: &str, name: &str, symbol: &str, token_type: &str| Token {
        id: id.to_owned(),
        contract_address: address.to_owned(),
        name: name.to_owned(),
        symbol: symbol.to_owned(),
        decimals: None,
        chain_id: 84532,
        token_type: token_type.to_owned(),
        is_active: true,
        is_gallery: false,
        abi: json!({}),
        abi_url: json!({}),
        metadata: Vec::new(),
    };

    let mut points = token(
        "20dfa3a8-497f-47fd-970c-74bac0df755a",
        "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "Coffee Points",
        "CUP",
        "ERC20",
    );
    points.decimals = Some(18);
    points.metadata = vec![metadata(
        "Coffee Points",
        "Points earned on every purchase.",
        "tokens/coffee-points.png",
    )];

    let mut badge = token(
        "ae97d2d8-14d2-4ea0-99fd-0ae0b9324b87",
        "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
        "Bean Badge",
        "BEAN",
        "ERC721",
    );
    badge.is_gallery = true;
    badge.metadata = vec![
        metadata("Bronze Bean", "Ten visits.", "tokens/bean-badge-bronze.png"),
        metadata(
            "Gold Bean",
            "One hundred visits.",
            "tokens/bean-badge-gold.png",
        ),
    ];

    let mut stamp = token(
        "b7d2641a-c17e-4d9c-8e16-dc5e0c8e7a8e",
        "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
        "Bakery Stamp",
        "STAMP",
        "ERC1155",
    );
    stamp.is_gallery = true;
    stamp.metadata = vec![metadata(
        "Bakery Stamp",
        "One stamp per loaf.",
        "tokens/bakery-stamp.png",
    )];

    let mut pass = token(
        "538d6441-f871-4795-a049-68f6894b3987",
        "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
        "Founders Pass",
        "FOUND",
        "ERC721",
    );
    pass.is_active = false;
    pass.metadata = vec![metadata(
        "Founders Pass",
        "For the first hundred members.",
        "tokens/founders-pass.png",
    )];

    vec![points, badge, stamp, pass]
}

fn demo_redemptions() -> Vec<Redemption> {
    vec![
        Redemption {
            id: "907fb366-2efd-4876-bff5-837109f523e6".to_owned(),
            name: "Free Flat White".to_owned(),
            description: "Redeem 100 Coffee Points for a flat white at any member shop.".to_owned(),
            image_url: image("redemptions/free-flat-white.jpg"),
            is_active: true,
            redemption_type: Some(drink_type()),
        },
        Redemption {
            id: "f19f202b-236a-4601-acf0-3fdc9451c893".to_owned(),
            name: "Half-price Loaf".to_owned(),
            description: "Redeem five Bakery Stamps for half price on any loaf.".to_owned(),
            image_url: image("redemptions/half-price-loaf.jpg"),
            is_active: true,
            redemption_type: None,
        },
        Redemption {
            id: "5d1f8f0e-6a0b-4a5e-9a52-0c8a1f7e2b11".to_owned(),
            name: "Summer Cold Brew".to_owned(),
            description: "A retired offer: a free cold brew for 80 Coffee Points.".to_owned(),
            image_url: String::new(),
            is_active: false,
            redemption_type: Some(drink_type()),
        },
    ]
}

fn drink_type() -> RedemptionType {
    RedemptionType {
        id: 1,
        name: "Free drink".to_owned(),
        description: "A drink at any member shop.".to_owned(),
        image_url: image("redemptions/types/free-drink.png"),
    }
}

fn demo_users() -> Vec<User> {
    vec![
        User {
            id: "dc68560d-d1d3-4bbd-ad0b-d990eee28dd5".to_owned(),
            email: "ana.costa@customers.pers.test".to_owned(),
            first_name: "Ana".to_owned(),
            last_name: "Costa".to_owned(),
            is_active: true,
            created_at: "2026-01-20T08:30:00.000Z".to_owned(),
        },
        User {
            id: "fec5ffdb-bdc8-4fe8-b5d4-fdc67520ece9".to_owned(),
            email: "liam.byrne@customers.pers.test".to_owned(),
            first_name: "Liam".to_owned(),
            last_name: "Byrne".to_owned(),
            is_active: true,
            created_at: "2026-02-03T17:45:00.000Z".to_owned(),
        },
    ]
}

fn membership(business_id: &str, role: &str) -> Membership {
    Membership {
        business_id: business_id.to_owned(),
        role: role.to_owned(),
    }
}

fn demo_accounts() -> Vec<Account> {
    vec![
        Account {
            id: "3dad0dac-6382-43f8-abdd-6caf27976b25".to_owned(),
            email: "admin@demo.pers.test".to_owned(),
            password: "demo-admin-password".to_owned(),
            display_name: "Dana Admin".to_owned(),
            label: "Tenant admin (demo)".to_owned(),
            kind: "tenant".to_owned(),
            tenant_admin: true,
            memberships: Vec::new(),
        },
        Account {
            id: "ad8554e4-d086-4c27-b1aa-d34b4fb19d80".to_owned(),
            email: "barista@demo.pers.test".to_owned(),
            password: "demo-barista-password".to_owned(),
            display_name: "Ben Barista".to_owned(),
            label: "Harbour Roasters staff (demo)".to_owned(),
            kind: "business".to_owned(),
            tenant_admin: false,
            memberships: vec![membership(HARBOUR_ID, "EDITOR")],
        },
        Account {
            id: "815842fe-c5b2-44ff-80c5-c2813297d132".to_owned(),
            email: "manager@demo.pers.test".to_owned(),
            password: "demo-manager-password".to_owned(),
            display_name: "Mia Manager".to_owned(),
            label: "Staff of both businesses (demo)".to_owned(),
            kind: "business".to_owned(),
            tenant_admin: false,
            memberships: vec![
                membership(HARBOUR_ID, "OWNER"),
                membership(NORTHSIDE_ID, "ADMIN"),
            ],
        },
    ]
}
