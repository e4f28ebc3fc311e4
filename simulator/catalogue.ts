// The static world the simulated bank lives in: where customers live, what they buy and what it
// costs. Prices are medians in GBP and converted per currency, so one table serves every country.

export interface City {
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
}

export interface CountryProfile {
  readonly code: string;
  readonly currency: string;
  /** Share of the bank's customers living here. */
  readonly share: number;
  readonly cities: readonly City[];
}

/** A UK bank with a small expatriate and cross-border book. */
export const HOME_COUNTRIES: readonly CountryProfile[] = [
  {
    code: 'GB', currency: 'GBP', share: 0.85, cities: [
      { name: 'London', lat: 51.507, lon: -0.128 }, { name: 'Manchester', lat: 53.481, lon: -2.242 },
      { name: 'Birmingham', lat: 52.486, lon: -1.89 }, { name: 'Glasgow', lat: 55.864, lon: -4.252 },
      { name: 'Leeds', lat: 53.8, lon: -1.549 }, { name: 'Bristol', lat: 51.455, lon: -2.588 },
    ],
  },
  { code: 'IE', currency: 'EUR', share: 0.04, cities: [{ name: 'Dublin', lat: 53.35, lon: -6.26 }] },
  { code: 'FR', currency: 'EUR', share: 0.03, cities: [{ name: 'Paris', lat: 48.857, lon: 2.352 }] },
  { code: 'DE', currency: 'EUR', share: 0.03, cities: [{ name: 'Berlin', lat: 52.52, lon: 13.405 }] },
  { code: 'PL', currency: 'PLN', share: 0.03, cities: [{ name: 'Warsaw', lat: 52.23, lon: 21.012 }] },
  { code: 'US', currency: 'USD', share: 0.015, cities: [{ name: 'New York', lat: 40.713, lon: -74.006 }] },
  { code: 'JP', currency: 'JPY', share: 0.005, cities: [{ name: 'Tokyo', lat: 35.68, lon: 139.69 }] },
];

/** Where card holders travel to; foreign spend is a staple of fraud features. */
export const TRAVEL_COUNTRIES: readonly string[] = ['ES', 'FR', 'IT', 'PT', 'GR', 'US', 'NL', 'DE', 'AE', 'TH'];

export interface CurrencyProfile {
  readonly perGbp: number;
  /** ATMs dispense multiples of this, in major units. */
  readonly cashStep: number;
}

export const CURRENCIES: Readonly<Record<string, CurrencyProfile>> = {
  GBP: { perGbp: 1, cashStep: 10 },
  EUR: { perGbp: 1.17, cashStep: 10 },
  USD: { perGbp: 1.27, cashStep: 20 },
  PLN: { perGbp: 5.0, cashStep: 50 },
  JPY: { perGbp: 190, cashStep: 1000 },
};

export interface MerchantCategory {
  readonly mcc: string;
  readonly label: string;
  readonly medianGbp: number;
  /** Log-normal spread of a single purchase. */
  readonly sigma: number;
  /** Share of purchases made online rather than at a till. */
  readonly ecommerceShare: number;
  /** Relative frequency among card payments. */
  readonly weight: number;
  readonly brands: readonly string[];
}

export const CARD_CATEGORIES: readonly MerchantCategory[] = [
  { mcc: '5411', label: 'groceries', medianGbp: 28, sigma: 0.7, ecommerceShare: 0.1, weight: 30, brands: ['Greenleaf Grocers', 'Daily Basket', 'FreshWay', 'Corner Market', 'Harvest Foods'] },
  { mcc: '5812', label: 'restaurants', medianGbp: 24, sigma: 0.6, ecommerceShare: 0.08, weight: 14, brands: ['The Olive Table', 'Brasserie Nord', 'Spice Route', 'Harbour Grill'] },
  { mcc: '5814', label: 'fast food', medianGbp: 9, sigma: 0.5, ecommerceShare: 0.15, weight: 10, brands: ['Bun & Co', 'Quick Wok', 'Crust Pizza', 'Daily Bagel'] },
  { mcc: '5541', label: 'fuel', medianGbp: 55, sigma: 0.35, ecommerceShare: 0, weight: 7, brands: ['Motorway Fuel', 'Northstar Petrol', 'Roadside Energy'] },
  { mcc: '5999', label: 'online retail', medianGbp: 32, sigma: 0.9, ecommerceShare: 0.95, weight: 11, brands: ['Parcelbox', 'ShopStream', 'Marketly'] },
  { mcc: '5732', label: 'electronics', medianGbp: 110, sigma: 1.0, ecommerceShare: 0.6, weight: 2.5, brands: ['Circuit House', 'Volt Electronics'] },
  { mcc: '5651', label: 'clothing', medianGbp: 45, sigma: 0.8, ecommerceShare: 0.5, weight: 6, brands: ['Threadline', 'Urban Tailor', 'Kindred Apparel'] },
  { mcc: '5912', label: 'pharmacy', medianGbp: 12, sigma: 0.6, ecommerceShare: 0.1, weight: 5, brands: ['Wellcare Pharmacy', 'High Street Chemist'] },
  { mcc: '4111', label: 'commuter transport', medianGbp: 6, sigma: 0.5, ecommerceShare: 0.3, weight: 9, brands: ['Metro Transit', 'CityRail'] },
  { mcc: '5815', label: 'digital media', medianGbp: 10, sigma: 0.3, ecommerceShare: 1, weight: 3, brands: ['Streamly', 'Tunebox'] },
  { mcc: '4511', label: 'airlines', medianGbp: 180, sigma: 0.8, ecommerceShare: 0.9, weight: 1.2, brands: ['Skyline Air', 'BlueJet'] },
  { mcc: '7011', label: 'hotels', medianGbp: 140, sigma: 0.7, ecommerceShare: 0.7, weight: 1.2, brands: ['Lodge Inn', 'Grand Meridian'] },
];

/** Paid by direct debit each month; amounts barely move, which is what makes them bills. */
export const BILL_CATEGORIES: readonly MerchantCategory[] = [
  { mcc: '4900', label: 'utilities', medianGbp: 85, sigma: 0.35, ecommerceShare: 0, weight: 1, brands: ['National Power & Gas', 'Clearwater Utilities'] },
  { mcc: '4814', label: 'telecom', medianGbp: 35, sigma: 0.3, ecommerceShare: 0, weight: 1, brands: ['Airwave Mobile', 'FibreLink Broadband'] },
  { mcc: '6300', label: 'insurance', medianGbp: 40, sigma: 0.5, ecommerceShare: 0, weight: 1, brands: ['Shield Insurance', 'Homeguard Cover'] },
  { mcc: '4899', label: 'subscriptions', medianGbp: 14, sigma: 0.3, ecommerceShare: 0, weight: 1, brands: ['Streamly Premium', 'CableVision'] },
];

/** Banks payees hold accounts at; 'VIGIL' is the simulated bank itself (the features' default ownBankId). */
export const OWN_BANK = 'VIGIL';
export const OTHER_BANKS: readonly string[] = [
  'Northwind Bank', 'Harbour Building Society', 'Crown Mutual', 'Meridian Bank', 'Atlas Savings', 'Penny Lane Bank',
];

export const EMPLOYERS: readonly string[] = [
  'Acme Logistics', 'Riverside NHS Trust', 'Bright Retail Group', 'Northgate Engineering', 'City Council',
  'Lumen Software', 'Harbour Hospitality', 'Oakfield Schools', 'Pinnacle Consulting', 'Summit Manufacturing',
];

/** Retired customers are paid a pension instead of a salary, on the same monthly rhythm. */
export const PENSION_PAYER = 'State Pension Service';

// Enough names that two of one customer's payees rarely share one by chance, as in life (14 × 13
// once made a customer's two regular payees namesakes, and payee names are now read: features'
// payee_name_account_changed).
export const FIRST_NAMES: readonly string[] = [
  'Olivia', 'Amelia', 'Isla', 'Ava', 'Noah', 'Oliver', 'George', 'Arthur', 'Priya', 'Mohammed', 'Zofia', 'Liam', 'Chloe', 'Kenji',
  'Sophie', 'Emily', 'Grace', 'Freya', 'Lily', 'Ella', 'Mia', 'Hannah', 'Lucy', 'Ruby', 'Anna', 'Sara', 'Laura', 'Julia',
  'Marta', 'Elena', 'Ines', 'Clara', 'Lea', 'Nora', 'Aisha', 'Fatima', 'Yuki', 'Mei', 'Aoife', 'Niamh', 'Harry', 'Jack',
  'Thomas', 'James', 'William', 'Henry', 'Leo', 'Oscar', 'Charlie', 'Jacob', 'Lucas', 'Daniel', 'Adam', 'Samuel', 'Joseph',
  'David', 'Luca', 'Mateo', 'Jonas', 'Felix', 'Paul', 'Ali', 'Omar', 'Ravi', 'Arjun', 'Hiro', 'Sean', 'Piotr', 'Tomasz', 'Pierre',
];
export const LAST_NAMES: readonly string[] = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Patel', 'Khan', 'Murphy', 'Nowak', 'Evans', 'Walker', 'Sato',
  'Johnson', 'Davies', 'Robinson', 'Wright', 'Thompson', 'White', 'Hughes', 'Edwards', 'Green', 'Hall', 'Wood', 'Harris',
  'Lewis', 'Martin', 'Jackson', 'Clarke', 'Clark', 'Turner', 'Hill', 'Scott', 'Cooper', 'Morris', 'Ward', 'Moore', 'King',
  'Watson', 'Baker', 'Harrison', 'Morgan', 'Young', 'Allen', 'Mitchell', 'Kelly', 'Walsh', 'Byrne', 'Ryan', "O'Brien",
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Dubois', 'Petit', 'Bernard',
  'Rossi', 'Russo', 'Ferrari', 'García', 'Fernández', 'López', 'Silva', 'Santos', 'Kowalski', 'Wiśniewski', 'Tanaka', 'Suzuki',
];
