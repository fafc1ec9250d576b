"""What a person does in the browser, step by step, for the journeys in test_journeys.py.

Playwright is imported lazily so that the suite can skip (or fail under CI) with a reason when
it is not installed, instead of breaking collection.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Locator

    from tests.browser.conftest import Tab

PASSWORD = "correct horse battery"
THERAPIST = ("therapist@demo.retrowalk", "demo-therapist")
DEMO_WALKER_PASSWORD = "demo-walker"
SCREEN_SIZE_PX = 360


def expect(target: Any) -> Any:
    """Playwright's auto-waiting assertions (imported when first used)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


@dataclass
class Counted:
    """Counts what a person does on a form (each click, fill, key press) and the time taken."""

    tab: Tab
    actions: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def click(self, target: Locator, what: str) -> None:
        target.click()
        self.actions.append(f"click {what}")

    def fill(self, target: Locator, value: str, what: str) -> None:
        target.fill(value)
        self.actions.append(f"set {what}")

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started


def wait_for(tab: Tab, path: str) -> None:
    """Wait until the tab shows ``path`` (any query string allowed)."""
    url = tab.server.url(path)
    tab.page.wait_for_url(lambda current: current.split("?", 1)[0] == url)


def sign_up_walker(tab: Tab, name: str) -> str:
    """From the home page through "Create an account"; returns the e-mail used."""
    email = f"walker-{uuid.uuid4().hex[:8]}@example.org"
    tab.go("/")
    tab.screenshot("home")
    tab.page.get_by_role("link", name="Create an account").click()
    wait_for(tab, "/sign-up")
    tab.page.get_by_label("Your name").fill(name)
    tab.page.get_by_label("Email").fill(email)
    tab.page.get_by_label("Password").fill(PASSWORD)
    tab.page.get_by_role("button", name="Create account").click()
    wait_for(tab, "/screening")
    return email


def sign_in(tab: Tab, email: str, password: str, lands_on: str) -> None:
    tab.go("/sign-in")
    tab.page.get_by_label("Email").fill(email)
    tab.page.get_by_label("Password").fill(password)
    tab.page.get_by_role("button", name="Sign in").click()
    wait_for(tab, lands_on)


def visible_step(tab: Tab) -> Locator:
    steps = tab.page.locator("[data-step]:visible")
    expect(steps).to_have_count(1)  # one question group at a time
    return steps


def choose(tab: Tab, question: str, answer: str) -> None:
    group = visible_step(tab).get_by_role("group", name=question)
    group.get_by_label(answer, exact=True).check()


def next_step(tab: Tab, number: int) -> None:
    tab.page.get_by_role("button", name="Next").click()
    expect(tab.page.locator("#step-status")).to_have_text(f"Step {number} of 5")


def answer_screening(tab: Tab) -> None:
    """A walker with knee pain 3/10, no red flags, no falls: the answers of a suitable walker."""
    page = tab.page
    expect(page.locator("#step-status")).to_have_text("Step 1 of 5")
    choose(tab, "What do you want from backward walking?", "Less knee pain")
    tab.screenshot("screening")
    next_step(tab, 2)
    visible_step(tab).get_by_label("Knee pain right now").fill("3")
    expect(page.locator("#knee_pain_nprs-out")).to_have_text("3/10 (acceptable)")
    choose(tab, "Do squats or lunges hurt your knees?", "Yes")
    choose(tab, "Is your knee swollen, or does it give way?", "No")
    choose(tab, "A recent knee injury, operation or injection", "No")
    next_step(tab, 3)
    page.get_by_label("How many times have you fallen").fill("0")
    choose(tab, "Do you have a balance problem or a neurological condition?", "No")
    choose(tab, "Chest pain, dizziness or other heart symptoms", "No")
    next_step(tab, 4)
    page.get_by_label("Your age in years").fill("52")
    page.get_by_label("Your body mass in kg").fill("74")
    next_step(tab, 5)
    page.get_by_label("A gentle slope").check()
    page.get_by_label("Where will you walk?").select_option("park")
    choose(tab, "Can someone walk with you?", "Yes")
    expect(page.get_by_label("Program length in weeks")).to_have_value("6")
    page.get_by_role("button", name="See my result").click()
    wait_for(tab, "/screening/verdict")


def horizontal_overflow_px(tab: Tab) -> int:
    """How far the page is wider than the screen (0: no horizontal scroll)."""
    width = int(tab.page.evaluate("document.documentElement.scrollWidth"))
    return max(0, width - SCREEN_SIZE_PX)


def decision_reasons(tab: Tab) -> list[str]:
    return [t.strip() for t in tab.page.locator("section.decision .reasons li").all_inner_texts()]
