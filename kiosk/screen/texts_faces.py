"""The captions of the face steps of the dossier screen (issue 9), by key, English source.

Kept apart from kiosk.screen.texts (which merges them into ``MESSAGES``) so the face
feature's words sit in one place; the consent text is docs/privacy.md's, version 2026-11
(kiosk.flow_faces.CONSENT_VERSION): a changed text gets a new version.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for extraction; translated at draw time."""
    return message


FACE_MESSAGES: dict[str, str] = {
    "face_lookup": N_("Look up by face"),
    "face_offer": N_("Next time, look up by face?"),
    "forget_face": N_("Forget my face"),
    "dossier_next": N_("Your next dossier ({count} more)"),
    "face_consent_title": N_("Look up your dossier by face next time?"),
    "face_consent_text": N_(
        "If you agree, the kiosk takes a few frames of your face, turns them "
        "into a list of numbers (no photo is kept) and stores those numbers "
        "encrypted at the centre, linked to your dossier. They are used only "
        "for you to look up your own dossiers, together with your birth year "
        "(or the last 4 digits of your phone). They are deleted 30 days after "
        'your last dossier is closed, or at once when you choose "Forget my '
        'face" on this kiosk or at a counter. If you do not agree, you look up '
        "by dossier code as usual."
    ),
    "face_consent_yes": N_("I agree"),
    "face_consent_no": N_("No, thank you"),
    "face_factor_birth_year": N_("Please type your year of birth"),
    "face_factor_phone_last4": N_("Please type the last 4 digits of your phone"),
    "face_factor_hint_lookup": N_("Then look at the camera. No photo is kept."),
    "face_factor_hint_enrol": N_(
        "You will type it again next time. Then look at the camera: no photo is kept."
    ),
    "face_factor_short": N_("Please type all 4 digits"),
    "face_ok": N_("Continue"),
    "face_use_code": N_("Use the dossier code instead"),
    "face_try_again": N_("Try again"),
    "face_look": N_("Please look straight at the camera"),
    "face_turn_left": N_("Now turn your head slowly to your left"),
    "face_turn_right": N_("Now turn your head slowly to your right"),
    "face_none": N_("We cannot see a face. Please stand in front of the camera."),
    "face_two": N_("Two faces are in view. Please ask the other person to step back."),
    "face_small": N_("Please come a little closer to the camera."),
    "face_dark": N_("It is too dark to see your face. Please face the light."),
    "face_no_photo": N_("No photo is kept."),
    "face_done_enrolled": N_('Done. Next time, choose "Look up by face".'),
    "face_done_forgotten": N_("Your face has been deleted."),
    "face_done_not-kept": N_("No face was kept for this dossier."),
    "face_done_not-found": N_(
        "Sorry, we could not find you by face. Please look up with your dossier code."
    ),
    "face_done_too-many": N_("Please look up with your dossier code this time."),
    "face_done_not-live": N_(
        "We could not see you turn your head. Please try again, or use your dossier code."
    ),
    "face_done_no-face": N_(
        "We could not see your face clearly. Please try again, or use your dossier code."
    ),
    "face_done_camera": N_("The camera is not working. Please use your dossier code."),
    "face_done_unavailable": N_(
        "Face lookup is not available right now. Please use your dossier code."
    ),
    "face_done_refused": N_("The digits do not match this dossier, so no face was kept."),
}
