"""A small corpus for the batch engines, written by us (fictional places and people).

Three stories and two unrelated reports (24 articles) in three input formats:
- the Velmora bridge collapse (8 articles, 4-5 March 2024): six outlets in their own
  words (facts corroborated, a death toll that disagrees) and one Reuters wire copy
  carried unchanged by two more outlets;
- the Kestrel County recount (8 articles over 16 days) that crosses time-window
  boundaries: with 7-day windows its first and last reports share no window; its
  reports reuse one text, so syndication counts them as one source;
- the Ardent Valley wildfire (6 articles, the same kind of reuse);
plus two bad inputs (an article too short to keep, a JSON file that does not parse).

Text files with sidecars, a JSON Lines file and a Parquet table with article columns.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

# each fact of the bridge story in three wordings: outlets that report it themselves
# share facts, not text (shared text is syndication and counts once)
BRIDGE = [
    ("The Halvard Bridge in Port Velmora collapsed into the Sorrel River on Monday evening during rush hour.",
     "During Monday's evening rush hour, Port Velmora's Halvard Bridge fell into the Sorrel River.",
     "A span of the Halvard Bridge gave way on Monday evening, dropping rush-hour traffic into the Sorrel River in Port Velmora."),
    ("Mayor Ilse Brantova said rescue divers from the Velmora Fire Brigade had pulled survivors from the water.",
     "Divers of the Velmora Fire Brigade rescued survivors from the river, according to Mayor Ilse Brantova.",
     "Survivors were hauled out of the water by Velmora Fire Brigade divers, Mayor Ilse Brantova told reporters."),
    ("Engineers from the Northern Rail Authority inspected the bridge in January and found corrosion in two support piers.",
     "A January inspection by Northern Rail Authority engineers had found two of the bridge's support piers corroded.",
     "Northern Rail Authority engineers reported corrosion in two support piers after examining the bridge in January."),
    ("Chief inspector Tomas Reyvik said the Halvard Bridge had been scheduled for repairs in June.",
     "Repairs to the Halvard Bridge were planned for June, according to chief inspector Tomas Reyvik.",
     "The bridge was due to be repaired in June, chief inspector Tomas Reyvik told the city council."),
    ("Traffic across the Sorrel River was diverted to the Weller Crossing, causing long delays in Port Velmora.",
     "Police sent cars to the Weller Crossing instead, and drivers in Port Velmora faced long delays.",
     "With the bridge gone, Port Velmora traffic was rerouted over the Weller Crossing and queues stretched for hours."),
    ("Governor Anika Solberg declared a state of emergency in the Velmora region on Tuesday morning.",
     "On Tuesday morning Governor Anika Solberg put the Velmora region under a state of emergency.",
     "A state of emergency for the Velmora region was announced by Governor Anika Solberg early on Tuesday."),
    ("Survivors described hearing a loud crack before the Halvard Bridge deck fell into the Sorrel River.",
     "People who escaped said a loud crack rang out just before the deck dropped into the river.",
     "Witnesses on the bridge recalled a sharp cracking sound moments before the deck plunged into the Sorrel River."),
]
BRIDGE_TOLLS = [
    ("Twelve people were killed when the Halvard Bridge collapsed on Monday, Mayor Ilse Brantova said.",
     "The collapse killed twelve people, Mayor Ilse Brantova said on Tuesday.",
     "Mayor Ilse Brantova put the death toll from Monday's collapse at twelve."),
    ("Nine people were killed when the Halvard Bridge collapsed on Monday, police in Port Velmora said.",
     "Police in Port Velmora said nine people died in the collapse.",
     "The Port Velmora police gave the number of dead as nine."),
]
RECOUNT = [
    "Election officials in Kestrel County began a hand recount of the mayoral vote between Dara Whitlock and Emil Sandoval.",
    "The first count gave Dara Whitlock a lead of 212 votes over Emil Sandoval in the Kestrel County mayoral race.",
    "Kestrel County clerk Maren Olafsen said the recount of 48,000 paper ballots would take about two weeks.",
    "Emil Sandoval requested the Kestrel County recount, citing problems with scanners in the Brightwater precinct.",
    "Observers from both campaigns watched as Kestrel County officials sorted ballots at the Larkspur civic hall.",
    "Dara Whitlock said she was confident the recount would confirm her win in the Kestrel County mayoral vote.",
    "Clerk Maren Olafsen said recount teams had found 31 ballots the Brightwater precinct scanners had rejected.",
]
WILDFIRE = [
    "A wildfire in Ardent Valley forced the evacuation of 3,000 residents from the towns of Pell and Corvin.",
    "Fire chief Rosalind Achebe said strong winds pushed the Ardent Valley fire across the Tamsin Ridge overnight.",
    "The Ardent Valley wildfire has burned 4,500 hectares of forest and destroyed 40 homes near Corvin.",
    "Evacuees from Pell and Corvin were sheltering at the Ardent Valley fairgrounds, officials said.",
    "Fire chief Rosalind Achebe said 300 firefighters and six water-dropping helicopters were fighting the blaze.",
    "Forecasters said cooler weather on Thursday could help crews contain the Ardent Valley wildfire.",
]
OTHERS = [
    ("Glasswing Orchestra names new conductor",
     "The Glasswing Orchestra named Priya Castellane as its new principal conductor on Wednesday. "
     "Castellane, who led the Oberlin Chamber Players for a decade, will begin her tenure in September. "
     "The orchestra said its autumn season would open with a program of works by living composers."),
    ("Tidewater library reopens after renovation",
     "The Tidewater public library reopened on Saturday after an eighteen-month renovation that added a "
     "reading garden and a children's wing. Head librarian Oskar Lindqvist said visitor numbers on the first "
     "day were the highest the library had recorded in twenty years."),
]


def _article(sentences: list[str], picks: list[int], lead: str) -> str:
    return "\n\n".join([lead] + [sentences[i] for i in picks])


def _recount_days() -> list[date]:
    """Eight reports over 16 days from the start of a 7-day block (date ordinal % 7 == 0)."""
    start = date(2024, 4, 1)
    while start.toordinal() % 7:
        start += timedelta(days=1)
    return [start + timedelta(days=d) for d in (1, 3, 5, 7, 9, 11, 14, 16)]


def write_corpus(root: Path) -> dict[str, list[str]]:
    """Write the corpus under ``root``; returns the inputs to give and the titles per story."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = root / "texts"
    texts.mkdir(parents=True)
    outlets = ["harbor-times", "velmora-post", "river-daily", "north-ledger", "civic-wire", "evening-star",
               "coast-herald", "valley-news"]
    wire = "\n\n".join([  # the agency's own wording, carried unchanged by two outlets
        "PORT VELMORA (Reuters) - The Halvard Bridge, a steel span over the Sorrel River, buckled and "
        "fell on Monday evening as commuters were heading home.",
        "Mayor Ilse Brantova said twelve people had died and that divers were still searching the river "
        "near the broken piers.",
        "Records seen by Reuters show Northern Rail Authority engineers flagged rust in two piers in January.",
        "Chief inspector Tomas Reyvik said work on the bridge had been booked for June.",
        "Drivers were sent across the Weller Crossing, where traffic backed up well into the night.",
    ])
    bridge_picks = [[1, 2, 3], [2, 4, 5], [1, 5, 6], [3, 4, 6], [1, 2, 6], [4, 5, 3]]
    for n, picks in enumerate(bridge_picks):
        wording = [b[n % 3] for b in BRIDGE]
        text = _article(wording, picks, wording[0]) + "\n\n" + BRIDGE_TOLLS[n % 2][n % 3]
        name = f"bridge-{n}.txt"
        (texts / name).write_text(text + "\n", encoding="utf-8")
        (texts / (name + ".meta.json")).write_text(json.dumps({
            "outlet": outlets[n], "title": f"Halvard Bridge collapse in Port Velmora ({outlets[n]})",
            "published": f"2024-03-0{4 + n % 2}T{6 + n:02d}:00:00Z",
        }), encoding="utf-8")
    for n, outlet in enumerate(("coast-herald", "valley-news")):  # the same wire copy, twice
        name = f"wire-{n}.txt"
        (texts / name).write_text(wire + "\n", encoding="utf-8")
        (texts / (name + ".meta.json")).write_text(json.dumps({
            "outlet": outlet, "title": "Bridge collapses in Port Velmora", "published": "2024-03-04T21:00:00Z",
        }), encoding="utf-8")
    (texts / "stub.txt").write_text("Bridge update soon.\n", encoding="utf-8")  # bad: too short
    (root / "broken.json").write_text('{"title": "half a record", "text": ', encoding="utf-8")  # bad

    lines = []
    for n, day in enumerate(_recount_days()):
        picks = [(n + k) % len(RECOUNT) for k in (0, 1, 2, 4)]
        lines.append({
            "title": f"Kestrel County recount, day {n + 1}", "source_domain": outlets[n % 6],
            "date_publish": f"{day.isoformat()} 09:30:00", "url": f"https://{outlets[n % 6]}.example/recount-{n}",
            "maintext": _article(RECOUNT, picks, f"Update {n + 1} on the Kestrel County recount: " + RECOUNT[0]),
            "language": "en",
        })
    (root / "recount.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")

    rows = []
    for n in range(6):
        picks = [(n + k) % len(WILDFIRE) for k in (1, 2, 3)]
        rows.append({
            "text": _article(WILDFIRE, picks, WILDFIRE[0]), "url": f"https://{outlets[n]}.example/fire-{n}",
            "outlet": outlets[n], "published": f"2024-08-1{n // 2}T12:00:00Z",
            "title": f"Ardent Valley wildfire forces evacuations ({outlets[n]})", "language": "en",
        })
    for n, (title, text) in enumerate(OTHERS):
        rows.append({"text": text, "url": f"https://culture-{n}.example/item", "outlet": f"culture-{n}",
                     "published": f"2024-06-0{5 + n}T10:00:00Z", "title": title, "language": "en"})
    pq.write_table(pa.Table.from_pylist(rows), root / "articles.parquet")
    return {
        "inputs": [str(texts), str(root / "recount.jsonl"), str(root / "articles.parquet"),
                   str(root / "broken.json")],
    }
