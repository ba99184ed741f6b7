"""Every caption of the screens, by stable key, with its English source text.

The English texts are gettext message ids (marked with :func:`N_` so ``pybabel extract``
finds them); :mod:`kiosk.screen.i18n` translates them from the catalogues in
``assets/locale/<lang>/LC_MESSAGES/kiosk.po``. Keys stay stable so the flow and the
daemon can name a caption ("issue_failed", "booking-used") without knowing any language.
A key without a message shows the key itself, readable rather than a crash.
"""

from __future__ import annotations

import re

from kiosk.screen.i18n import translate
from kiosk.screen.texts_faces import FACE_MESSAGES


def N_(message: str) -> str:
    """Mark ``message`` for extraction; translated later, at draw time."""
    return message


MESSAGES: dict[str, str] = {
    # attract and language
    "welcome": N_("Hello! Welcome"),
    "touch_to_start": N_("Touch the screen to start"),
    "person_greeting": N_("Hello! Touch here and I will help you"),
    "choose_language": N_("Choose your language"),
    # menu
    "menu_title": N_("How can we help you?"),
    "menu_fields": N_("Touch your field to take a number"),
    "more_fields": N_("More fields"),
    "have_priority": N_("I have priority (elderly, disability, pregnancy…)"),
    "priority_chosen": N_("Priority: {name}. Now touch your field"),
    "take_ticket": N_("Take a number"),
    "booking": N_("I booked online"),
    "procedure_info": N_("Procedure information"),
    "dossier_lookup": N_("Look up a dossier"),
    "rate": N_("Rate the service"),
    "help": N_("Call staff"),
    # always there
    "back": N_("Back"),
    "read_aloud": N_("Read aloud"),
    "talk": N_("Speak"),
    "large_text": N_("Large text"),
    "done": N_("Done"),
    # services and priority
    "choose_service": N_("Choose your field"),
    "page_of": N_("Page {page} of {pages}"),
    "next_page": N_("Next page"),
    "prev_page": N_("Previous page"),
    "choose_priority": N_("Which priority applies to you?"),
    "priority_hint": N_("By law these citizens are served first."),
    "no_priority": N_("None of these"),
    # ticket
    "issuing": N_("Issuing your number, please wait…"),
    "your_number": N_("Your number"),
    "counter": N_("Counter"),
    "people_ahead": N_("People ahead of you"),
    "wait": N_("Estimated wait"),
    "minutes": N_("min"),
    # the ticket's lines, whole sentences so each language puts its units where they go
    "called_at": N_("Your number will be called at {counters}"),
    "counter_n": N_("Counter {number}"),
    "people_ahead_n": N_("People ahead of you: {count}"),
    "nobody_ahead": N_("Nobody is waiting ahead of you"),
    "wait_n": N_("Estimated wait: about {minutes} min"),
    "wait_soon": N_("You will be served very soon"),
    "follow_me": N_("Take me to the counter"),
    "follow_me_area": N_("Take me to the waiting area"),
    "way_to_counter": N_("The way to your counter"),
    "you_are_here": N_("You are here"),
    "printing": N_("Printing your ticket…"),
    "printed": N_("Please take your ticket below"),
    "not_printed": N_("The printer is down: please remember the number or photograph the QR "
                      "code. A technician has been told."),
    "offline": N_("Your number is valid and will be called in turn."),
    "scan_qr": N_("Scan to follow your turn on your phone"),
    "issue_failed": N_("No number could be issued. Please ask the staff at the desk."),
    # booking
    "booking_title": N_("Enter your booking code"),
    "booking_hint": N_("The 6 letters and digits of your online booking, or show its QR "
                       "code to the camera"),
    "erase": N_("Erase"),
    "confirm": N_("Confirm"),
    "redeeming": N_("Checking your booking…"),
    "unknown-booking": N_("This code was not found. Please check it and try again."),
    "booking-used": N_("This booking has already been used."),
    "booking-wrong-day": N_("This booking is for another day."),
    "central-unavailable": N_("Bookings cannot be checked right now. Please take a normal "
                              "number."),
    "redeem-failed": N_("The booking could not be checked. Please ask the staff."),
    "not-a-booking-code": N_("This QR code is not a booking. Show the QR code of your "
                             "booking, or type its code."),
    # rating
    "rating_title": N_("How was our service?"),
    "rate_scan": N_("Show the QR code on your ticket to the camera"),
    "rate_scan_hint": N_("You can rate the service once your number has been served."),
    "rate_checking": N_("Checking your ticket…"),
    "rate_for": N_("Number {number}, served at {counter}"),
    "rate-not-served": N_("This number has not been served yet. Please rate after your "
                          "turn."),
    "rate-unknown-ticket": N_("This ticket was not found."),
    "rate-unavailable": N_("Your ticket cannot be checked right now. Please try again "
                           "later."),
    "not-a-ticket": N_("This QR code is not a queue ticket."),
    "rating_reasons": N_("What stood out? (you may skip this)"),
    "send": N_("Send"),
    "rating_thanks": N_("Thank you for your rating!"),
    "score_1": N_("Very bad"),
    "score_2": N_("Bad"),
    "score_3": N_("OK"),
    "score_4": N_("Good"),
    "score_5": N_("Very good"),
    "reason_friendly": N_("Friendly staff"),
    "reason_fast": N_("Quick service"),
    "reason_clear": N_("Clear guidance"),
    "reason_slow": N_("Waited too long"),
    "reason_unclear": N_("Hard to understand"),
    "reason_crowded": N_("Too crowded"),
    # help, faults, timeout, later features
    "staff_wait": N_("Please wait here."),
    "help_sending": N_("Calling a staff member..."),
    "help_sent": N_("Staff have been told. Please wait a moment."),
    "help_taken": N_("A staff member from {counter} is coming to help you."),
    "help_failed": N_("We could not reach the staff."),
    "help_failed_where": N_("Please ask at the information desk."),
    "fault_printer": N_("The printer is not working: you still get a number on the screen."),
    "fault_central": N_("The queue system is offline: numbers are still valid and in order."),
    "timeout_warning": N_("Back to the start in {seconds} s"),
    "touch_to_stay": N_("Touch the screen to continue"),
    "coming_soon": N_("This is not available at this kiosk yet. Please ask at the "
                      "information desk."),
    # procedure information (issue 8)
    "proc_search_hint": N_("Type the procedure's name (tone marks not needed)"),
    "proc_fields": N_("Or choose a field"),
    "proc_none": N_("Nothing found: try other words or choose a field"),
    "proc_documents": N_("Documents to bring"),
    "proc_fee": N_("Fee"),
    "proc_time": N_("Processing time"),
    "proc_steps": N_("Steps"),
    "proc_where": N_("Where to file"),
    "proc_print": N_("Print the checklist"),
    "proc_printing": N_("Printing the checklist: please take it below"),
    "proc_sample": N_("Sample information being checked by the centre: please confirm at "
                      "the counter"),
    "space": N_("Space"),
    # printed on the ticket (kiosk/tickets/render.py) beside your_number, counter, ...
    "ticket_service": N_("Service"),
    "ticket_called_at": N_("Called at"),
    "ticket_scan_qr": N_("Scan to follow your turn"),
    "ticket_offline": N_("Your number is valid and will be called in turn"),
    # dossier status (issue 8)
    "dossier_code_hint": N_("Type the code on your receipt"),
    "dossier_qr_hint": N_("Or show the QR code on your receipt to the camera"),
    "dossier_ok": N_("Look up"),
    "dossier_new": N_("Look up another dossier"),
    "dossier_factor_phone_last4": N_("Last 4 digits of your phone number"),
    "dossier_factor_birth_year": N_("Your year of birth"),
    "dossier_factor_hint": N_("For your privacy, the centre asks for this"),
    "dossier_not-found": N_("We could not find this code. Please check it and try again."),
    "dossier_bad-code": N_("This code is not complete. Please check your receipt."),
    "dossier_unavailable": N_("The look-up is not available right now. Please ask at the "
                              "counter."),
    "dossier_not-a-dossier-code": N_("This QR code is not a dossier receipt."),
    "dossier_searching": N_("Looking up your dossier..."),
    "dossier_locked": N_("Too many tries. Please try again in {minutes} minutes or ask at "
                         "the counter."),
    "dossier_code": N_("Dossier code"),
    "dossier_applicant": N_("Applicant"),
    "dossier_received": N_("Received on"),
    "dossier_appointment": N_("Results on"),
    "dossier_missing": N_("Documents still needed:"),
    "dossier_pickup": N_("Collect at"),
    "dossier_fee_due": N_("Fee still due"),
    "dossier_no_fee": N_("nothing"),
    "dossier_overdue_help": N_("We apologise for the delay. Please ask at the counter."),
    "dossier_status_received": N_("Received"),
    "dossier_status_in_progress": N_("Being processed"),
    "dossier_status_needs_documents": N_("More documents needed"),
    "dossier_status_ready": N_("Ready to collect"),
    "dossier_status_returned": N_("Result handed over"),
    "dossier_status_overdue": N_("Overdue"),
    # states shown as a message
    "guiding": N_("Please follow me"),
    "returning": N_("Returning to my place"),
    "safe_stop": N_("Stopped safely. Staff will help."),
}
MESSAGES.update(FACE_MESSAGES)  # the face steps' captions (issue 9)

#: reasons a citizen may tick on the rating screen (sent to central by key)
RATING_REASONS = ("friendly", "fast", "clear", "slow", "unclear", "crowded")

#: each language's name in that language, so a citizen finds their own
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English", "ko": "한국어", "zh": "中文",
                  "ja": "日本語", "fr": "Français", "km": "ខ្មែរ", "lo": "ລາວ"}

#: the score captions of a 3- and 4-level scale (5 levels use score_1..score_5)
_SCORE_KEYS = {3: ("score_2", "score_3", "score_4"),
               4: ("score_1", "score_2", "score_4", "score_5"),
               5: ("score_1", "score_2", "score_3", "score_4", "score_5")}


def text(language: str, key: str, **values: object) -> str:
    """The caption ``key`` in ``language``, with ``{placeholders}`` filled from ``values``."""
    message = MESSAGES.get(key)
    if message is None:
        return key
    translated = translate(language, message)
    return translated.format(**values) if values else translated


_SIGN_NAME = re.compile(r"^\s*(?:Quầy|Quay|Counter)\s*(\d+[A-Za-z]?)\s*$", re.IGNORECASE)


def counter_name(language: str, name: str) -> str:
    """A counter's name as central gives it (the sign on the wall, "Quầy 3") in
    ``language``: "Counter 3", "3번 창구"; a name that is not "Quầy N" stays as it is."""
    match = _SIGN_NAME.match(name)
    if match is None or language == "vi":
        return name
    return text(language, "counter_n", number=match.group(1))


def counter_list(language: str, names: tuple[str, ...] | list[str]) -> str:
    """Several counters in ``language``, joined as the language lists them."""
    return ", ".join(counter_name(language, n) for n in names)


def short_field(name: str) -> str:
    """A field's name without its parenthesised examples, to be said in a sentence:
    "Tư pháp (lý lịch tư pháp, chứng thực)" -> "Tư pháp"."""
    return name.split(" (", 1)[0].strip() or name


def people_line(language: str, count: int) -> str:
    """"People ahead of you: 2" / "앞 대기 인원: 2명"; nobody ahead says so."""
    return text(language, "nobody_ahead" if count <= 0 else "people_ahead_n", count=count)


def wait_line(language: str, minutes: int) -> str:
    """"Estimated wait: about 6 min" / "예상 대기 시간: 약 6분"; a zero wait reassures."""
    return text(language, "wait_soon" if minutes <= 0 else "wait_n", minutes=minutes)


def score_key(score: int, levels: int) -> str:
    """The caption key of ``score`` on a scale of ``levels``."""
    return _SCORE_KEYS[levels][score - 1]
