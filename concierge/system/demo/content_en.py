"""Demo conversations in English: customers of a home-goods shop with a coffee subscription."""

from concierge.system.demo.scenarios import (
    BILLING,
    SUPPORT,
    TECHNICAL,
    LanguagePack,
    Person,
    ScenarioTexts,
)

SCENARIOS = {
    "order_status": ScenarioTexts(
        subjects=("Where is my order {order}?", "Order {order} still not shipped", "Delivery date"),
        openings=(
            "I placed order {order} eight days ago and the tracking page still says "
            "'label created'. Could you tell me when it will actually leave the warehouse? "
            "It's a birthday present, so the date matters.",
            "My order {order} was supposed to arrive on Tuesday and nothing has come. "
            "The courier's site shows no movement since the weekend. Is it lost?",
        ),
        replies=(
            "Thank you for your patience. I checked order {order}: the parcel left our "
            "warehouse yesterday evening, but the carrier scanned it late, which is why the "
            "tracking looked frozen. It should reach you within two working days.",
            "I'm sorry for the wait. The carrier confirms that order {order} is at their "
            "regional depot and has been booked onto tomorrow's delivery round. Could you "
            "confirm that someone will be home, or would you prefer a pickup point?",
        ),
        follow_ups=(
            "Thanks for checking. Tomorrow works, someone will be at home all day.",
            "A pickup point would be easier, the one at the supermarket on Mill Road is fine.",
        ),
        resolutions=(
            "Great news: the carrier marks order {order} as delivered this morning. "
            "I hope the present goes down well! I'm closing this request, but just reply "
            "if anything is missing from the box.",
            "Done, I've redirected the parcel to the pickup point; you'll get a text with a "
            "collection code once it arrives. Thanks again for bearing with us.",
        ),
        notes=(
            "Carrier ticket opened for the missing scans on {order}. If it doesn't move by "
            "Friday we reship and claim from the carrier.",
            "Third delayed parcel from the same depot this week, flagging it to logistics.",
        ),
    ),
    "damaged_delivery": ScenarioTexts(
        subjects=(
            "Parcel arrived damaged",
            "Broken item in order {order}",
            "Items broken in transit",
        ),
        openings=(
            "The box for order {order} arrived crushed on one corner and the glass carafe "
            "inside is cracked right through. I've attached photos of the box and the carafe. "
            "What do I do now?",
            "Unfortunately two of the six plates in order {order} were broken when I opened "
            "the parcel. The outer box looked fine, so I think they were packed loosely.",
        ),
        replies=(
            "I'm really sorry your order arrived like that, and thank you for the photos, "
            "they are all we need. I can send a replacement free of charge straight away; "
            "please don't return the broken one, just dispose of it safely. Shall I go ahead?",
            "That's not how your order should arrive, I apologise. Would you prefer a "
            "replacement or a refund of {amount} for the broken pieces? Either way you "
            "don't need to send anything back.",
        ),
        follow_ups=(
            "Yes please. Could you pack it a bit better this time?",
            "A refund is fine, thank you. I'll keep the four plates that survived.",
        ),
        resolutions=(
            "The replacement is on its way with extra padding and a 'fragile' label. "
            "You should have it within three working days.",
            "I've refunded {amount} to your original payment method; banks usually show it "
            "within 3-5 working days. Sorry again for the trouble.",
        ),
        notes=(
            "Photos attached by the customer show inadequate void fill. Reported to the "
            "packing team lead so fragile items get the double-wall boxes.",
            "Refund for the broken pieces approved, no return needed.",
        ),
    ),
    "wrong_item": ScenarioTexts(
        subjects=("Wrong item received", "I got someone else's order", "Wrong product in {order}"),
        openings=(
            "I ordered the large linen duvet cover in grey (order {order}) but received a "
            "single size in beige. Can you exchange it?",
            "The parcel I received today has a kettle in it, but I ordered a toaster. "
            "The packing slip has my name on it and order number {order}.",
        ),
        replies=(
            "Sorry about the mix-up! I've emailed you a prepaid return label. As soon as the "
            "courier scans the parcel we'll send the correct item, you don't need to wait "
            "for it to reach us.",
            "Thanks for letting us know, and apologies. Could you send a photo of the label "
            "on the product itself? It helps the warehouse find where the swap happened.",
        ),
        follow_ups=(
            "Label printed and the parcel is dropped off, here's the receipt.",
            "Photo attached. The barcode sticker says something completely different.",
        ),
        resolutions=(
            "The correct item shipped today and the tracking link is in your inbox. "
            "Thanks for your help with the return.",
            "Found it: two orders were packed at the same station at the same minute. "
            "The right item is on its way, and you can keep the other one with our apologies.",
        ),
        notes=(
            "Picking error, station 4. Warehouse informed.",
            "Customer may keep the wrong item, value under the return threshold.",
        ),
    ),
    "change_address": ScenarioTexts(
        subjects=("Change delivery address", "Delivery address for order {order}"),
        openings=(
            "I just noticed that order {order} is going to my old address. I moved last "
            "month. Can you still change it to 14 Harbour Street, flat 3?",
            "Please deliver order {order} to my office instead of home, I'm away all week. "
            "The office address is in my account as the second address.",
        ),
        replies=(
            "I've caught it in time: the order hadn't been packed yet, so I've updated the "
            "address. Could you confirm the postcode for the new address?",
            "The parcel has already been handed to the courier, so I've asked them to "
            "redirect it. They usually confirm within a day, and I'll let you know.",
        ),
        follow_ups=(
            "The postcode is the same as before, the street is the only change.",
            "Thank you, I'll keep an eye on my email.",
        ),
        resolutions=(
            "All set: order {order} will go to the new address, and I've also updated the "
            "default address in your account so future orders go there too.",
            "The courier confirmed the redirect and the new delivery date is Thursday.",
        ),
        notes=("Address changed before picking; no carrier fee.",),
    ),
    "warranty_repair": ScenarioTexts(
        subjects=(
            "Warranty repair",
            "Appliance stopped working",
            "Is this covered by the warranty?",
        ),
        openings=(
            "The burr grinder I bought in March has stopped turning on. No smell, no noise, "
            "it just doesn't react. Is it still covered by the warranty?",
            "My blender makes a grinding noise and smells hot after a few seconds. It is "
            "about eight months old. What are my options?",
        ),
        replies=(
            "Yes, it's covered: the warranty runs for two years from the delivery date. "
            "Before we arrange a repair, could you try another socket and check the fuse "
            "in the plug? If it still does nothing, we'll collect it.",
            "That sounds like a worn coupling, which the warranty covers. Please stop using "
            "it for now. Can you send us the serial number from the base of the motor unit?",
        ),
        follow_ups=(
            "Tried another socket and a new fuse, still dead.",
            "The serial number is on the photo I've attached.",
        ),
        resolutions=(
            "I've booked a courier to collect it on Monday between 9 and 13. The repair "
            "usually takes a week, and we'll send it back at our cost.",
            "Since the repair would take three weeks, we're sending you a new one instead. "
            "The courier will take the old one away when they deliver.",
        ),
        notes=(
            "Same model had three motor faults this quarter; asked the supplier for a batch check.",
        ),
    ),
    "complaint_service": ScenarioTexts(
        subjects=("Very disappointed", "Complaint about your service", "Nobody answers me"),
        openings=(
            "This is the third time I'm writing about the same missing refund. Each time "
            "I get a different answer and nothing happens. I expected better from you.",
            "I called your phone line twice today and waited over 40 minutes both times "
            "before the call dropped. This is not acceptable for a paid subscription.",
        ),
        replies=(
            "You're right, and I'm sorry. You shouldn't have to repeat yourself. I've read "
            "the whole history and I'm taking this over personally until it's solved; "
            "you'll hear from me by tomorrow noon at the latest.",
            "I apologise for the waiting time, that's not the service we want to give. "
            "Could you tell me what you were calling about? I'll sort it out here so you "
            "don't need to call again.",
        ),
        follow_ups=(
            "Thank you. I just want this finished.",
            "It was about the delivery that never arrived, same order as before.",
        ),
        resolutions=(
            "It's done: the refund has been issued and I've added a {amount} credit to your "
            "account for the trouble. I've also shared your feedback with the team lead.",
            "The missing delivery has been reshipped by express. I've noted in your profile "
            "that you prefer e-mail, so we won't leave you waiting on the phone again.",
        ),
        notes=(
            "Escalated to team lead. Customer contacted us 3 times, two answers contradicted "
            "each other. Goodwill credit approved.",
            "Phone queue had a routing fault between 10 and 12 today, IT informed.",
        ),
    ),
    "refund_missing": ScenarioTexts(
        subjects=("Refund not received", "Where is my refund?", "Refund for return of {order}"),
        openings=(
            "I returned order {order} three weeks ago and got an email saying the refund "
            "was approved, but there is still nothing on my card.",
            "You confirmed the refund of {amount} on the 2nd but my bank says no refund has "
            "come in. Can you send me a reference so the bank can trace it?",
        ),
        replies=(
            "I've checked and the refund of {amount} was sent to your card on the 4th. "
            "Some banks take up to ten working days to show it. Could you check again and "
            "let me know if it's still missing by Friday?",
            "I'm sorry for the delay. The refund did fail the first time because the card "
            "had expired. Could you reply with the IBAN you'd like the money sent to?",
        ),
        follow_ups=(
            "It's Friday and still nothing. My bank says they need the ARN.",
            "The IBAN is in the attachment, the account is in my name.",
        ),
        resolutions=(
            "Here's the acquirer reference number for the {amount} refund, your bank can "
            "trace the payment with it. I've also added a note so nobody asks you again.",
            "The bank transfer of {amount} went out today and usually arrives next working "
            "day. Thank you for your patience.",
        ),
        notes=(
            "Payment provider shows the refund as settled; ARN copied into the reply.",
            "Card expired, refund bounced. Waiting for IBAN, finance to transfer manually.",
        ),
    ),
    "double_charge": ScenarioTexts(
        subjects=("Charged twice!", "Double payment for {order}", "Two charges on my card"),
        openings=(
            "I was charged twice for order {order}, {amount} each, both on the same minute. "
            "Please refund one of them urgently, this has pushed my account overdrawn.",
            "The checkout page froze so I pressed 'pay' again, and now I see two payments "
            "of {amount}. I only want one order.",
        ),
        replies=(
            "I'm sorry, I can see both payments. The second one is only a pending "
            "authorisation and I've released it now; your bank should drop it within a day "
            "or two.",
            "Thanks for telling us straight away. I can see two orders; which one would you "
            "like to keep? I'll cancel the other and refund {amount} at once.",
        ),
        follow_ups=(
            "The pending one is gone now, thanks.",
            "Keep the first one please, the second one has my old phone number.",
        ),
        resolutions=(
            "Everything is back to normal: one order, one payment. I've reported the "
            "frozen checkout to our developers so it doesn't happen to anyone else.",
            "Done, the first order is confirmed and the duplicate is cancelled and refunded.",
        ),
        notes=(
            "Duplicate authorisation from a double submit. Developers asked to add an "
            "idempotency key on the payment step.",
        ),
    ),
    "invoice_request": ScenarioTexts(
        subjects=(
            "Invoice for order {order}",
            "Invoice request",
            "Need an invoice for our accounts",
        ),
        openings=(
            "Could you please send me a VAT invoice for order {order}? Our company name and "
            "VAT number need to be on it for our bookkeeping.",
            "I've lost invoice {invoice} and our accountant needs it for the quarterly "
            "return. Can you send a copy as a PDF?",
        ),
        replies=(
            "Of course. Please send me the company's full legal name, address and VAT "
            "number exactly as they should appear, and I'll reissue the invoice.",
            "Here's a copy of invoice {invoice} as a PDF. All your invoices are also in "
            "your account under 'Orders', so you can download them any time.",
        ),
        follow_ups=(
            "The details are in the attached file, thanks.",
            "Perfect, that's what I needed. Can you add our purchase order number too?",
        ),
        resolutions=(
            "The corrected invoice {invoice} is attached, with your company details and VAT "
            "number. The old one has been cancelled.",
            "I've reissued invoice {invoice} with the purchase order number, it's attached.",
        ),
        notes=("Reissued invoice, credit note created for the original.",),
    ),
    "cancel_subscription": ScenarioTexts(
        subjects=(
            "My coffee subscription",
            "Subscription question",
            "Cancel or pause subscription",
        ),
        openings=(
            "Please cancel my monthly coffee subscription. I'm moving abroad next month and "
            "won't be able to receive the deliveries.",
            "I'd like to pause the subscription for two months while we're travelling. "
            "Is pausing possible, or do I have to cancel?",
        ),
        replies=(
            "I can do that for you. Before I do: you can also pause for up to three months "
            "if you'd like to keep your current price. Shall I cancel, or pause?",
            "Pausing is possible, for up to three months. I've paused it from next month; "
            "would you like it to restart automatically afterwards?",
        ),
        follow_ups=(
            "Cancel please, I won't be back for at least a year.",
            "Yes, restart automatically, thank you.",
        ),
        resolutions=(
            "Your subscription is cancelled and the next payment won't be taken. The box "
            "already on its way is the last one. Good luck with the move!",
            "Done: deliveries pause for two months and restart automatically. You'll get an "
            "e-mail a week before the first box.",
        ),
        notes=("Retention offer declined, cancelled without fee.",),
    ),
    "login_problem": ScenarioTexts(
        subjects=("Can't log in", "Problem signing in", "Locked out of my account"),
        openings=(
            "I can't log in to my account. I've reset the password three times but the "
            "reset e-mail never arrives, not even in the spam folder.",
            "The site says my account is locked after too many attempts. I'm sure I typed "
            "the right password. How do I get back in?",
        ),
        replies=(
            "Sorry about that. Our mail log shows the reset messages were rejected by your "
            "mail provider. Could you check whether the address on your account has a typo? "
            "I see it ends in '.con' instead of '.com'.",
            "The lock lifts by itself after 30 minutes, but I've unlocked it now. Please try "
            "again, and use 'forgot password' if the password doesn't work.",
        ),
        follow_ups=(
            "Oh, that's embarrassing, yes it's a typo. Can you correct it?",
            "Still doesn't work, it says the password is wrong.",
        ),
        resolutions=(
            "I've corrected your e-mail address and sent a fresh reset link. It should "
            "arrive within a minute.",
            "I've sent you a one-time sign-in link. Once you're in, you can set a new "
            "password under 'Profile'. Let us know if anything else doesn't work.",
        ),
        notes=(
            "Bounces in the mail log: 'user unknown'. Typo in address confirmed.",
            "Lockout caused by a password manager autofilling an old password.",
        ),
    ),
    "two_factor_lost": ScenarioTexts(
        subjects=("Can't get two-factor codes", "Two-factor authentication reset"),
        openings=(
            "My phone was stolen and with it the authenticator app. Now I can't log in "
            "because the site asks for a code. I don't have the backup codes either.",
            "I changed phones and didn't move the authenticator app. How can I switch "
            "two-factor authentication to the new phone?",
        ),
        replies=(
            "I'm sorry to hear about your phone. To protect your account we need to confirm "
            "it's you: please reply with the last four digits of the card used on your most "
            "recent order and its approximate date.",
            "We can reset two-factor authentication once we've verified your identity. "
            "Could you tell us the delivery postcode of your last order?",
        ),
        follow_ups=(
            "The card ends in 4417, the order was around the 10th of last month.",
            "The postcode is the one on my account, the last order went there.",
        ),
        resolutions=(
            "Thank you, that matches. I've reset two-factor authentication; next time you "
            "log in you'll be asked to set it up again. Please save the backup codes this "
            "time.",
            "Verified and done. Two-factor authentication is off until you set it up again "
            "on the new phone.",
        ),
        notes=(
            "Identity verified via last order and card digits, per the account recovery procedure.",
        ),
    ),
    "app_crash": ScenarioTexts(
        subjects=("App keeps crashing", "Mobile app closes by itself", "Problem with the app"),
        openings=(
            "Since the last update the app closes as soon as I open it. Phone restarted, "
            "app reinstalled, same thing.",
            "Every time I tap 'My orders' in the app it freezes for a second and closes. "
            "The rest of the app works.",
        ),
        replies=(
            "Thanks for the report. Could you tell us your phone model and operating system "
            "version? In the meantime, the website works normally in the phone's browser.",
            "We've seen a few reports like this. Which app version do you have? You'll find "
            "it under Settings > About.",
        ),
        follow_ups=(
            "It's a Pixel 7 with the latest Android.",
            "Version 4.12.0 on an iPhone 12.",
        ),
        resolutions=(
            "Our developers found the cause and version 4.12.1 fixes it; it's in the app "
            "store now. Thanks for the details, they helped.",
            "The fix is released. After updating the app, the order list should open "
            "normally again.",
        ),
        notes=(
            "Crash reproduced on Android 14 with order history over 50 items. Bug filed "
            "with the mobile team.",
        ),
    ),
    "feature_suggestion": ScenarioTexts(
        subjects=("A suggestion for the app", "Idea for the shop", "Feature request"),
        openings=(
            "It would be great to have a 'reorder' button on past orders. I buy the same "
            "filters every two months and have to search for them every time.",
            "Any chance of a dark mode in the app? I often check my orders late in the "
            "evening and the white screen is very bright.",
        ),
        replies=(
            "Thank you, that's a very good idea and I've passed it on to the product team "
            "with your example. I can't promise a date, but we'll let you know if it ships.",
            "Thanks for the suggestion! Several customers have asked for this, so I've added "
            "your vote to the request.",
        ),
        follow_ups=("Thanks, glad to hear it's on the list.",),
        resolutions=(
            "Good news: the 'reorder' button is now live on the orders page, in the app and "
            "on the website. Thanks for the idea!",
            "Dark mode arrived in today's app update and follows your phone's setting.",
        ),
        notes=("Added to the product board, 14 votes now.",),
    ),
}

PACK = LanguagePack(
    code="en",
    time_zones=("Europe/London", "America/New_York", "Europe/Dublin"),
    customers=(
        Person("Olivia", "Hughes", "f"),
        Person("James", "Whitfield", "m"),
        Person("Charlotte", "Pearce", "f"),
        Person("Daniel", "Okafor", "m"),
        Person("Megan", "Fraser", "f"),
        Person("Thomas", "Reid", "m"),
        Person("Hannah", "Doyle", "f"),
        Person("Ryan", "Mitchell", "m"),
        Person("Priya", "Sharma", "f"),
    ),
    scenarios=SCENARIOS,
    agent_greetings=("Hi {name},", "Hello {name},", "Dear {name},"),
    agent_sign_offs=("Best regards,", "Kind regards,", "Thanks,", "All the best,"),
    team_labels={SUPPORT: "Customer Care", BILLING: "Billing", TECHNICAL: "Technical Support"},
    customer_greetings=("Hello,", "Hi,", "Hi there,", "Good morning,"),
    customer_sign_offs=("Thanks,\n{first}", "Best,\n{full}", "Regards,\n{full}", "{first}"),
    chasers=(
        "Any news on this? I haven't heard back yet.",
        "Just following up on my earlier message, is anyone looking at this?",
    ),
    thanks=("Thank you, all sorted now!", "Brilliant, thanks for your help."),
    welcome_replies=("You're welcome, have a great day!", "Glad it's sorted, take care."),
    currency_format="${amount}",
)
