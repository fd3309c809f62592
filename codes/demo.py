"""The demo code of conduct for `manage.py seed_demo`: version 1 published, version 2 a draft with changes.

The text was written for Conduct Portal's demo; it reads like a real customer service code.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from . import services
from .models import CodeDocument, CodeVersion, SectionCategory

DEMO_SLUG = "customer-service-code"

VERSION_1 = [
    (
        SectionCategory.OTHER,
        "Introduction",
        "This code describes how every one of us treats customers, colleagues and the information we are "
        "trusted with. It applies to everyone who speaks to customers on our behalf, by phone, chat, email "
        "or in person.\n\nRead it, ask your manager about anything unclear, and acknowledge it in the portal.",
    ),
    (
        SectionCategory.PROFESSIONALISM,
        "Professionalism",
        "We represent the company in every conversation.\n\n"
        "- Introduce yourself by first name and team.\n"
        "- Stay calm and courteous, even when a customer is not.\n"
        "- Keep personal opinions about products, colleagues or customers out of the conversation.",
    ),
    (
        SectionCategory.INTEGRITY,
        "Integrity and honesty",
        "We tell customers the truth, including when the answer is not the one they hoped for.\n\n"
        "- Never promise a refund, discount or delivery date you are not authorised to give.\n"
        "- If you made a mistake, say so and put it right.\n"
        "- Gifts from customers worth more than 50 EUR are declined politely.",
    ),
    (
        SectionCategory.RESPONSIVENESS,
        "Responsiveness",
        "Customers should never wonder whether we heard them.\n\n"
        "- Answer chats within 2 minutes and emails within 1 working day.\n"
        "- If a case needs longer, tell the customer when they will hear from us next, and keep that promise.",
    ),
    (
        SectionCategory.PRIVACY,
        "Privacy and confidentiality",
        "Customer data is used only to help the customer in front of us.\n\n"
        "- Verify identity before discussing an account.\n"
        "- Never copy customer data into personal notes, chats or email accounts.\n"
        "- Report a suspected data breach to the privacy team within one hour.",
    ),
    (
        SectionCategory.FAIRNESS,
        "Fairness and non-discrimination",
        "Every customer receives the same respect and the same quality of service, whatever their age, "
        "gender, origin, religion, disability or language.",
    ),
    (
        SectionCategory.COMMUNICATION,
        "Communication standards",
        "- Use plain words; avoid internal jargon and abbreviations.\n"
        "- Confirm what you understood before you act.\n"
        "- Close every contact by summarising what happens next.",
    ),
    (
        SectionCategory.COMPLAINT_HANDLING,
        "Complaint handling",
        "A complaint is a chance to keep a customer.\n\n"
        "1. Listen without interrupting and thank the customer for telling us.\n"
        "2. Log the complaint in the case system the same day.\n"
        "3. Give the customer a case number and a date for our answer.\n"
        "4. Escalate to a team lead if the answer will take more than 5 working days.",
    ),
    (
        SectionCategory.ACCOUNTABILITY,
        "Accountability",
        "We own the cases we touch until they are solved or clearly handed over. Breaches of this code are "
        "reviewed with your manager and may lead to retraining or disciplinary action.",
    ),
    (
        SectionCategory.TRAINING,
        "Training and development",
        "Everyone completes the customer service course when they join and a refresher every twelve months.",
    ),
]

# Version 2: a stricter response time, a new section on conflict, the privacy rules tightened, a
# section moved, and the training section rewritten.
VERSION_2_CHANGES = {
    "Responsiveness": (
        "Customers should never wonder whether we heard them.\n\n"
        "- Answer chats within 1 minute and emails within 1 working day.\n"
        "- If a case needs longer, tell the customer when they will hear from us next, and keep that promise.\n"
        "- Urgent cases (service down, payment failed) are answered first."
    ),
    "Privacy and confidentiality": (
        "Customer data is used only to help the customer in front of us.\n\n"
        "- Verify identity with two questions before discussing an account.\n"
        "- Never copy customer data into personal notes, chats, email accounts or AI tools.\n"
        "- Report a suspected data breach to the privacy team within one hour."
    ),
    "Training and development": (
        "Everyone completes the customer service course when they join, a refresher every twelve months, "
        "and the privacy module whenever it changes."
    ),
}
CONFLICT_SECTION = (
    SectionCategory.CONFLICT_RESOLUTION,
    "Conflict resolution",
    "When a conversation becomes heated:\n\n"
    "- Acknowledge the customer's frustration without arguing.\n"
    "- Offer a break or a call-back rather than ending the contact.\n"
    "- If a customer becomes abusive, warn once, then end the contact and log it.",
)


@transaction.atomic
def seed_code(*, manager_username: str, reviewer_username: str) -> bool:
    """Create the demo document unless it exists; True when created."""
    if CodeDocument.objects.filter(slug=DEMO_SLUG).exists():
        return False
    users = get_user_model().objects
    manager, reviewer = users.get(username=manager_username), users.get(username=reviewer_username)

    document = services.document_create(
        actor=manager,
        title="Customer Service Code of Conduct",
        slug=DEMO_SLUG,
        summary="How we treat customers, colleagues and customer data.",
        review_interval_months=12,
    )
    first = services.version_start_draft(document=document, actor=manager, copy_published=False)
    for category, title, body in VERSION_1:
        services.section_add(version=first, actor=manager, category=category, title=title, body=body)
    services.version_update(
        version=first, actor=manager, title=document.title, change_summary="First edition of the code."
    )
    services.version_submit(version=first, actor=manager)
    services.version_approve(version=first, actor=reviewer)
    services.version_publish(
        version=first, actor=manager, effective_date=timezone.localdate(), days_to_acknowledge=14, is_major=True
    )

    second = services.version_start_draft(document=document, actor=manager)
    for section in second.sections.all():
        if section.title in VERSION_2_CHANGES:
            services.section_update(
                section=section,
                actor=manager,
                category=section.category,
                title=section.title,
                body=VERSION_2_CHANGES[section.title],
            )
    category, title, body = CONFLICT_SECTION
    conflict = services.section_add(version=second, actor=manager, category=category, title=title, body=body)
    for _ in range(3):  # from the end to just after "Communication standards"
        services.section_move(section=conflict, actor=manager, offset=-1)
        conflict.refresh_from_db()
    services.version_update(
        version=second,
        actor=manager,
        title=document.title,
        change_summary="Faster chat answers, stricter identity checks, a new section on conflict resolution.",
    )
    return True


# Two smaller documents whose requests end in the other states: one replaced by a newer version
# before everyone signed it, one retired.
SOCIAL_MEDIA_SLUG = "social-media-guidelines"
SOCIAL_MEDIA = [
    (
        SectionCategory.COMMUNICATION,
        "Speaking about work online",
        "- Say that your opinions are your own when you post about our industry.\n"
        "- Never post about a customer, even without their name.",
    ),
    (
        SectionCategory.PRIVACY,
        "Screenshots",
        "Screens that show customer data are never photographed or shared.",
    ),
]
SOCIAL_MEDIA_REVISION = {
    "Screenshots": "Screens that show customer data, case numbers or internal tools are never photographed or shared."
}
GIFTS_SLUG = "gifts-and-hospitality-2019"
GIFTS = [
    (
        SectionCategory.INTEGRITY,
        "Gifts",
        "Gifts from customers worth more than 25 EUR are declined politely and reported to your manager.",
    ),
]
GIFTS_RETIRED_BECAUSE = "Merged into the Customer Service Code of Conduct, section “Integrity and honesty”."


def _approve_and_publish(version: CodeVersion, *, manager: User, reviewer: User) -> CodeVersion:
    services.version_submit(version=version, actor=manager)
    services.version_approve(version=version, actor=reviewer)
    return services.version_publish(
        version=version, actor=manager, effective_date=timezone.localdate(), days_to_acknowledge=14, is_major=True
    )


def publish_small_document(
    *, slug: str, title: str, sections: Sequence[tuple[str, str, str]], manager: User, reviewer: User
) -> CodeVersion:
    """A document with its first version published to all staff."""
    document = services.document_create(actor=manager, title=title, slug=slug, review_interval_months=12)
    draft = services.version_start_draft(document=document, actor=manager, copy_published=False)
    for category, section_title, body in sections:
        services.section_add(version=draft, actor=manager, category=category, title=section_title, body=body)
    services.version_update(version=draft, actor=manager, title=title, change_summary="First edition.")
    return _approve_and_publish(draft, manager=manager, reviewer=reviewer)


def publish_revision(
    *, document: CodeDocument, changes: dict[str, str], summary: str, manager: User, reviewer: User
) -> CodeVersion:
    """The document's next version, its sections named in `changes` rewritten, published to all staff."""
    draft = services.version_start_draft(document=document, actor=manager)
    for section in draft.sections.filter(title__in=changes):
        services.section_update(
            section=section, actor=manager, category=section.category, title=section.title, body=changes[section.title]
        )
    services.version_update(version=draft, actor=manager, title=document.title, change_summary=summary)
    return _approve_and_publish(draft, manager=manager, reviewer=reviewer)
