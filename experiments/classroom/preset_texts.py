"""The short text of each classroom preset: what it does and what to watch (msgids).

``experiments.classroom.texts.preset_text`` translates one and fills its ``{placeholders}``
from ``facts.json`` (``texts.run_values``: ``m10`` members on day 10, ``posts`` over the
year, ``peak``/``peak_day``, ``active_peak``, ``lurkers``/``contributors``/``core`` on the
last day, ``before``/``lowest``/``month_after`` the sentiment around a crisis; ``base_*``
the same figures of ``baseline``, ``none_posts``
the posts of ``moderation_none``), then adds :data:`PRESET_EXPECT`.
"""

from __future__ import annotations

from experiments.i18n import N_

PRESET_TEXTS: dict[str, str] = {
    "baseline": N_(
        "Organic growth: nobody is invited and nothing is spent. Watch new members appear "
        "next to members: friends bring friends."
    ),
    "coupons": N_(
        "A tenth of member visits earn a coupon that doubles purchases for two weeks. "
        "Coupons reward buying, not talking: compare the members line with baseline's."
    ),
    "crisis_fast_poor": N_(
        "A crisis on day {crisis_day} turns 30% of members negative; the team answers the "
        "next day, badly. Watch the sentiment chart: {before} before, {lowest} at the "
        "lowest, {month_after} a month later."
    ),
    "crisis_slow_good": N_(
        "The same crisis on day {crisis_day}, answered after a week, well. Watch the "
        "sentiment chart: {before} before, {lowest} at the lowest, {month_after} a month "
        "later."
    ),
    "full_playbook": N_(
        "The guides' ten steps at once: a clear theme, invited hubs, content, events, points, "
        "moderation, partners. Watch the fast fill: about {peak} members at the peak on day "
        "{peak_day}, and up to {active_peak} visitors a day."
    ),
    "knowledge_sessions_offline": N_(
        "Weekly online knowledge sessions, monthly offline meetups and educational content. "
        "Watch the active line jump on session days (up to {active_peak} visitors a day; "
        "baseline: {base_active_peak})."
    ),
    "moderation_community": N_(
        "Moderators delete noise (low quality, negative, off topic) for everyone. Watch the "
        "posts chart: about {posts} posts over the year (no moderation: about {none_posts})."
    ),
    "moderation_none": N_(
        "No moderation: every post stays and readers wade through the noise (the same "
        "content plan as the other moderation presets): about {posts} posts over the year."
    ),
    "moderation_personalised": N_(
        "Each reader's feed hides the noise and the topics they do not follow; nothing is "
        "deleted. Watch the posts chart: about {posts} posts over the year (no moderation: "
        "about {none_posts})."
    ),
    "monthly_meetup": N_(
        "A monthly offline meetup: people who attend become friends, so the network grows. "
        "Watch the active line jump once a month (up to {active_peak} visitors a day)."
    ),
    "points": N_(
        "Points for posts, replies and visits, badges and rewards, all year. Watch the posts "
        "chart: about {posts} posts over the year (baseline: about {base_posts}). More than "
        "luck? Try other seeds."
    ),
    "points_withdrawn": N_(
        "The points scheme stopped on day 60: afterwards rewarded members post less than if "
        "it had never existed (crowding-out). About {posts} posts over the year (baseline: "
        "about {base_posts})."
    ),
    "referral_bonus": N_(
        "A bonus for the inviter and the invitee of each word-of-mouth join. Watch the "
        "who-brought-whom ties: about {posts} posts over the year."
    ),
    "seed_degree": N_(
        "Invite the 50 best-connected people at launch: the hubs light up on day 1. {m10} "
        "members on day 10 (baseline: {base_m10})."
    ),
    "seed_greedy": N_(
        "Invite the greedy search's 50 picks, the people expected to spread the word "
        "furthest (Reset takes a few seconds). {m10} members on day 10 (baseline: {base_m10})."
    ),
    "seed_random": N_(
        "Invite 50 random people at launch. {m10} members on day 10 (baseline: "
        "{base_m10}); compare with seed_degree."
    ),
    "ugc_personalised_feed": N_(
        "Daily prompts invite member posts and a personalised feed shows each reader their "
        "topics. About {posts} posts over the year (baseline: about {base_posts})."
    ),
    "weekly_qa": N_(
        "A weekly online Q&A with the team, open to every member. Watch the active line "
        "jump every week: up to {active_peak} visitors a day (baseline: {base_active_peak})."
    ),
    "welcome_newcomers": N_(
        "Staff reply to newcomers' unanswered first posts after a day, and core members "
        "mentor newcomers. On the last day: {contributors} contributors (baseline: "
        "{base_contributors})."
    ),
}

#: the last sentence of every preset's text: what to expect at the end of the run
PRESET_EXPECT: dict[str, str] = {
    "baseline": N_("At seed 0: about {m365} members on day {days}."),
    "other": N_("At seed 0: about {m365} members on day {days} (baseline: about {base365})."),
}
