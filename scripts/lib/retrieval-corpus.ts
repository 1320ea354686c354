// The corpus of `npm run bench:retrieval`: the policies of a fictional bicycle shop (five documents, a
// dozen pages) and questions a customer would ask in their own words, each with the page that answers
// it and a fact the answer must contain. Questions avoid the documents' wording where a customer would.

export interface CorpusPage {
  heading: string;
  paragraphs: string[];
}

export interface CorpusDocument {
  title: string;
  pages: CorpusPage[];
}

export interface BenchQuestion {
  q: string;
  title: string;
  page: number;
  fact: string;
}

export const DOCUMENTS: CorpusDocument[] = [
  {
    title: "Shipping policy",
    pages: [
      {
        heading: "Delivery times",
        paragraphs: [
          "Orders placed before 2 pm on a working day leave our warehouse the same day.",
          "Standard delivery within Germany takes two to four working days. Express delivery arrives the next working day if you order before noon.",
          "Complete bicycles are shipped by freight carrier and take five to seven working days.",
        ],
      },
      {
        heading: "Shipping costs",
        paragraphs: [
          "Standard shipping costs 4.90 EUR and is free for orders over 75 EUR.",
          "Express shipping costs 12.90 EUR regardless of the order value.",
          "Freight for a complete bicycle costs a flat 39 EUR.",
        ],
      },
      {
        heading: "International shipping",
        paragraphs: [
          "We deliver to all countries of the European Union, Switzerland and Norway.",
          "Customs duties for Switzerland and Norway are paid by the recipient on delivery.",
          "We do not ship outside Europe at the moment.",
        ],
      },
      {
        heading: "Tracking and missing parcels",
        paragraphs: [
          "A tracking link is emailed as soon as the carrier collects your parcel.",
          "If tracking has not changed for seven days, contact us and we open an investigation with the carrier.",
          "A parcel that the carrier confirms as lost is replaced or refunded in full.",
        ],
      },
    ],
  },
  {
    title: "Returns and refunds",
    pages: [
      {
        heading: "Return window",
        paragraphs: [
          "You may return unused items within 30 days of delivery without giving a reason.",
          "Items must be in their original packaging with all accessories and manuals.",
          "Custom-built wheels and cut handlebars cannot be returned because they are made to order.",
        ],
      },
      {
        heading: "How to return",
        paragraphs: [
          "Start a return in your account under Orders and print the prepaid return label.",
          "Return shipping is free within Germany; from other countries it costs 9.90 EUR, deducted from the refund.",
          "Complete bicycles are collected from your door by our freight partner.",
        ],
      },
      {
        heading: "Refunds",
        paragraphs: [
          "We refund the purchase price within 5 working days after the return reaches our warehouse.",
          "The money goes back to the original payment method; refunds to PayPal usually appear within a day.",
          "Original shipping costs are refunded only if you return the whole order.",
        ],
      },
    ],
  },
  {
    title: "Warranty and damage",
    pages: [
      {
        heading: "Warranty cover",
        paragraphs: [
          "Frames carry a lifetime warranty against manufacturing defects for the original owner.",
          "All other components are covered for two years from the date of purchase.",
          "Wear parts such as tyres, brake pads and chains are not covered by the warranty.",
        ],
      },
      {
        heading: "Damaged on arrival",
        paragraphs: [
          "Please inspect your delivery as soon as it arrives.",
          "If a wheel, the frame or any part is damaged in transit, send us photos within 14 days and we ship a replacement free of charge.",
          "Keep the packaging until the claim is settled, because the carrier may ask to inspect it.",
        ],
      },
      {
        heading: "Making a warranty claim",
        paragraphs: [
          "Warranty claims need the order number, a description of the fault and photos of the defect.",
          "Our technicians decide within ten working days whether the part is repaired or replaced.",
          "While a claim is open you can borrow a loan bike from our Berlin store.",
        ],
      },
    ],
  },
  {
    title: "Orders and payment",
    pages: [
      {
        heading: "Payment methods",
        paragraphs: [
          "We accept Visa, Mastercard, PayPal, Klarna and bank transfer.",
          "Orders paid by bank transfer are reserved for seven days and ship once the payment arrives.",
          "Pay later with Klarna gives you 30 days to pay at no extra cost.",
        ],
      },
      {
        heading: "Changing or cancelling an order",
        paragraphs: [
          "An order can be changed or cancelled free of charge until it leaves the warehouse.",
          "Write to support with your order number; after dispatch, use the normal return process instead.",
          "Invoices are sent as PDF by email and can be downloaded from your account.",
        ],
      },
      {
        heading: "Discounts and gift cards",
        paragraphs: [
          "Students receive 10 percent off with a valid student card.",
          "Gift cards are valid for three years and can be used for several purchases.",
          "Only one discount code can be applied per order.",
        ],
      },
    ],
  },
  {
    title: "Service and bike care",
    pages: [
      {
        heading: "Workshop service",
        paragraphs: [
          "Our Berlin workshop is open Monday to Saturday from 9 am to 6 pm.",
          "A basic service costs 69 EUR and includes brake and gear adjustment and a safety check.",
          "Book an appointment online; a service usually takes two working days.",
        ],
      },
      {
        heading: "First inspection",
        paragraphs: [
          "Every new bicycle gets a free first inspection within six months of purchase.",
          "New cables stretch during the first few hundred kilometres, so the gears need readjusting.",
          "Skipping the first inspection does not void the warranty.",
        ],
      },
      {
        heading: "Electric bike batteries",
        paragraphs: [
          "Store the battery indoors between 10 and 20 degrees Celsius and charge it to about 60 percent before winter.",
          "A full charge takes about four hours with the standard charger.",
          "Batteries are covered for two years or 500 charging cycles, whichever comes first.",
        ],
      },
    ],
  },
];

export const QUESTIONS: BenchQuestion[] = [
  { q: "My wheel arrived bent", title: "Warranty and damage", page: 2, fact: "14 days" },
  {
    q: "The frame got scratched during delivery, what do I do?",
    title: "Warranty and damage",
    page: 2,
    fact: "photos",
  },
  {
    q: "Should I throw away the box after a broken part came?",
    title: "Warranty and damage",
    page: 2,
    fact: "packaging",
  },
  { q: "How long is my bike frame guaranteed?", title: "Warranty and damage", page: 1, fact: "lifetime" },
  {
    q: "Are worn out tires replaced under guarantee?",
    title: "Warranty and damage",
    page: 1,
    fact: "not covered",
  },
  {
    q: "How many years are the gears and other components covered?",
    title: "Warranty and damage",
    page: 1,
    fact: "two years",
  },
  {
    q: "What do you need from me to claim a defect?",
    title: "Warranty and damage",
    page: 3,
    fact: "order number",
  },
  {
    q: "How quickly do your technicians decide on my claim?",
    title: "Warranty and damage",
    page: 3,
    fact: "ten working days",
  },
  {
    q: "Can I get a replacement bike while mine is being fixed under warranty?",
    title: "Warranty and damage",
    page: 3,
    fact: "loan bike",
  },
  {
    q: "When will my package be sent out if I order in the morning?",
    title: "Shipping policy",
    page: 1,
    fact: "same day",
  },
  {
    q: "How many days does normal delivery in Germany take?",
    title: "Shipping policy",
    page: 1,
    fact: "two to four",
  },
  { q: "Can I get it tomorrow?", title: "Shipping policy", page: 1, fact: "next working day" },
  {
    q: "How long until a whole bicycle is delivered?",
    title: "Shipping policy",
    page: 1,
    fact: "five to seven",
  },
  { q: "What is the price of standard shipping?", title: "Shipping policy", page: 2, fact: "4.90" },
  { q: "From what amount is delivery free?", title: "Shipping policy", page: 2, fact: "75 EUR" },
  { q: "How much extra for express?", title: "Shipping policy", page: 2, fact: "12.90" },
  { q: "What does freight for a bicycle cost?", title: "Shipping policy", page: 2, fact: "39 EUR" },
  { q: "Do you deliver to Switzerland?", title: "Shipping policy", page: 3, fact: "Switzerland" },
  { q: "Who pays import duties for Norway?", title: "Shipping policy", page: 3, fact: "recipient" },
  {
    q: "Can you send an order to the United States?",
    title: "Shipping policy",
    page: 3,
    fact: "outside Europe",
  },
  {
    q: "Where do I find the tracking number of my parcel?",
    title: "Shipping policy",
    page: 4,
    fact: "emailed",
  },
  {
    q: "My parcel tracking has been stuck for a week",
    title: "Shipping policy",
    page: 4,
    fact: "investigation",
  },
  {
    q: "The carrier lost my package, do I get my money back?",
    title: "Shipping policy",
    page: 4,
    fact: "refunded in full",
  },
  {
    q: "How many days do I have to send something back?",
    title: "Returns and refunds",
    page: 1,
    fact: "30 days",
  },
  {
    q: "Do I need the original box to return an item?",
    title: "Returns and refunds",
    page: 1,
    fact: "original packaging",
  },
  {
    q: "Can I return a handlebar that was cut to size?",
    title: "Returns and refunds",
    page: 1,
    fact: "cannot be returned",
  },
  { q: "Are custom built wheels refundable?", title: "Returns and refunds", page: 1, fact: "made to order" },
  { q: "How do I start returning an order?", title: "Returns and refunds", page: 2, fact: "return label" },
  {
    q: "Is sending an item back free of charge?",
    title: "Returns and refunds",
    page: 2,
    fact: "free within Germany",
  },
  { q: "What does a return from Austria cost?", title: "Returns and refunds", page: 2, fact: "9.90" },
  { q: "How do I return a complete bike?", title: "Returns and refunds", page: 2, fact: "collected" },
  { q: "When will I get my refund?", title: "Returns and refunds", page: 3, fact: "5 working days" },
  {
    q: "Where does the refunded money go?",
    title: "Returns and refunds",
    page: 3,
    fact: "original payment method",
  },
  {
    q: "Do I get the delivery fee back when returning?",
    title: "Returns and refunds",
    page: 3,
    fact: "whole order",
  },
  { q: "Which credit cards can I pay with?", title: "Orders and payment", page: 1, fact: "Visa" },
  { q: "Can I pay by wire transfer?", title: "Orders and payment", page: 1, fact: "bank transfer" },
  { q: "Is there a way to pay later?", title: "Orders and payment", page: 1, fact: "Klarna" },
  {
    q: "How long is an order held while I transfer the money?",
    title: "Orders and payment",
    page: 1,
    fact: "seven days",
  },
  { q: "I want to cancel my order", title: "Orders and payment", page: 2, fact: "free of charge" },
  {
    q: "Can I modify what I ordered after it shipped?",
    title: "Orders and payment",
    page: 2,
    fact: "return process",
  },
  { q: "Where can I download my invoice?", title: "Orders and payment", page: 2, fact: "account" },
  { q: "Do students get a discount?", title: "Orders and payment", page: 3, fact: "10 percent" },
  { q: "Do gift vouchers expire?", title: "Orders and payment", page: 3, fact: "three years" },
  { q: "Can I combine two discount codes?", title: "Orders and payment", page: 3, fact: "one discount code" },
  {
    q: "What are the opening hours of the repair shop?",
    title: "Service and bike care",
    page: 1,
    fact: "9 am to 6 pm",
  },
  { q: "How much is a standard tune-up?", title: "Service and bike care", page: 1, fact: "69 EUR" },
  {
    q: "How long does a bike service take?",
    title: "Service and bike care",
    page: 1,
    fact: "two working days",
  },
  {
    q: "Is the first check-up of a new bike free?",
    title: "Service and bike care",
    page: 2,
    fact: "free first inspection",
  },
  {
    q: "Why do my gears need adjusting after a few weeks?",
    title: "Service and bike care",
    page: 2,
    fact: "cables stretch",
  },
  {
    q: "Will I lose the warranty if I skip the first inspection?",
    title: "Service and bike care",
    page: 2,
    fact: "does not void",
  },
  {
    q: "How should I keep my e-bike battery over the winter?",
    title: "Service and bike care",
    page: 3,
    fact: "60 percent",
  },
  {
    q: "How long does charging the battery take?",
    title: "Service and bike care",
    page: 3,
    fact: "four hours",
  },
  {
    q: "How many charge cycles is the battery guaranteed for?",
    title: "Service and bike care",
    page: 3,
    fact: "500",
  },
  {
    q: "What temperature should the battery be stored at?",
    title: "Service and bike care",
    page: 3,
    fact: "20 degrees",
  },
];

/** Questions the documents do not answer: the right reply is "I don't know". */
export const UNANSWERABLE: string[] = [
  "Do you sell kayaks?",
  "What is the capital of Peru?",
  "Can I bring my dog to the store?",
  "Do you offer financing over 48 months?",
  "Who won the football match yesterday?",
  "Is there a loyalty points programme?",
  "Do you have a shop in Madrid?",
  "Can I rent a tandem for the weekend?",
];
