"""Word lists for the synthetic corpus: English and French, grouped by topic.

Kept apart from make_corpus.py so the generator's logic stays readable. Every list is a
tuple: the generator must never mutate shared vocabulary, and a tuple's order is fixed, which
keeps the output deterministic.
"""

from __future__ import annotations

# The scan's categories, with nouns that articles of that category talk about.
TOPIC_NOUNS: dict[str, tuple[str, ...]] = {
    "technology": (
        "artificial intelligence", "language model", "chatbot", "quantum computer",
        "semiconductor", "data centre", "open source software", "smartphone", "robotics",
        "autonomous vehicle", "cloud platform", "cybersecurity", "blockchain", "digital twin",
        "edge computing", "satellite internet", "wearable device", "machine vision",
        "recommendation algorithm", "synthetic media", "encryption", "RISC-V chip",
        "neural interface", "battery storage", "3D printing", "drone delivery", "smart glasses",
        "search engine", "software agent", "microchip supply", "GPU cluster", "digital identity",
    ),
    "science": (
        "gene editing", "CRISPR", "protein folding", "dark matter", "fusion reactor",
        "microbiome", "exoplanet", "climate model", "ocean current", "permafrost", "fossil record",
        "stem cell", "particle accelerator", "coral reef", "soil carbon", "pollinator",
        "ancient DNA", "materials science", "superconductor", "brain imaging", "vaccine platform",
        "telescope", "synthetic biology", "metagenomics", "glacier", "extremophile",
    ),
    "politics": (
        "election", "regulation", "sanctions", "trade policy", "public trust", "disinformation",
        "surveillance", "parliament", "lobbying", "digital sovereignty", "antitrust case",
        "border policy", "civil society", "populism", "geopolitics", "export control",
        "data protection law", "public procurement", "referendum", "local government",
    ),
    "others": (
        "hobby", "memoir", "essay", "board game", "philosophy", "curiosity", "attention span",
        "nostalgia", "friendship", "loneliness", "creativity", "productivity", "humour",
        "science fiction", "myth", "folk tradition", "handwriting", "letter writing",
    ),
    "city": (
        "urban heat", "public transport", "bike lane", "housing market", "zoning", "smart city",
        "street tree", "night economy", "micromobility", "congestion charge", "public space",
        "water supply", "flood defence", "rooftop garden", "tram network", "rent control",
        "suburb", "waste collection", "city budget", "pedestrian zone",
    ),
    "business": (
        "supply chain", "startup", "venture capital", "remote work", "gig economy",
        "subscription model", "retail", "advertising", "four-day week", "logistics",
        "creator economy", "e-commerce", "franchise", "labour market", "inflation", "insurance",
        "pricing algorithm", "corporate governance", "carbon credit", "livestream shopping",
    ),
    "education": (
        "classroom", "online course", "university", "homework", "tutoring", "literacy",
        "school curriculum", "student debt", "exam", "lifelong learning", "teacher shortage",
        "early childhood", "vocational training", "reading habit", "campus",
    ),
    "health": (
        "mental health", "obesity drug", "sleep", "telemedicine", "antibiotic resistance",
        "longevity", "hospital", "nutrition", "pandemic preparedness", "ageing population",
        "wearable sensor", "cancer screening", "air pollution", "heat stress", "loneliness epidemic",
        "drug pricing", "gut health", "physical activity",
    ),
    "culture": (
        "streaming service", "music industry", "video game", "museum", "fan community",
        "social media", "influencer", "podcast", "fashion", "film festival", "book publishing",
        "art market", "meme", "language revival", "heritage site", "comic book",
    ),
    "food": (
        "plant-based meat", "vertical farming", "food waste", "cocoa price", "fermentation",
        "restaurant", "food delivery", "cultivated meat", "fertiliser", "crop yield",
        "drought-resistant wheat", "fishery", "coffee", "school lunch", "food bank", "seaweed",
    ),
}

# Category shares: the real scan leans heavily on technology and science.
CATEGORY_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("technology", 38), ("science", 14), ("business", 11), ("politics", 8), ("health", 7),
    ("culture", 7), ("others", 6), ("city", 4), ("education", 3), ("food", 2),
)

TYPE_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("news", 45), ("blog post", 40), ("research article", 15),
)

ADJECTIVES: tuple[str, ...] = (
    "digital", "urban", "rural", "global", "local", "open", "decentralised", "automated",
    "sustainable", "renewable", "synthetic", "personal", "public", "private", "remote",
    "autonomous", "generative", "low-carbon", "circular", "collaborative", "ethical",
    "algorithmic", "biological", "hybrid", "immersive", "modular", "precision", "predictive",
    "regenerative", "resilient", "shared", "smart", "social", "virtual", "wearable", "agentic",
    "community", "consumer", "corporate", "cultural", "domestic", "economic", "educational",
    "environmental", "financial", "industrial", "informal", "legal", "medical", "mobile",
    "national", "neural", "nuclear", "ocean", "orbital", "participatory", "planetary", "political",
    "quantum", "solar", "spatial", "subscription", "tactile", "thermal", "transparent",
    "underground", "vertical", "visual", "wireless", "youth", "ageing", "ambient", "coastal",
    "cognitive", "creative", "crowdsourced", "distributed", "emotional", "experimental",
    "federated", "frugal", "grassroots", "humanitarian", "independent", "interactive",
    "lightweight", "microbial", "multilingual", "nomadic", "offline", "on-demand", "parallel",
    "peer-to-peer", "post-growth", "programmable", "recycled", "self-driving", "sovereign",
)

HEAD_NOUNS: tuple[str, ...] = (
    "economy", "platform", "network", "infrastructure", "governance", "market", "identity",
    "labour", "learning", "farming", "mobility", "housing", "energy", "healthcare", "privacy",
    "security", "manufacturing", "storage", "commons", "currency", "diplomacy", "media",
    "publishing", "tourism", "transport", "water", "waste", "agriculture", "biology", "finance",
    "advertising", "design", "ethics", "research", "innovation", "regulation", "surveillance",
    "education", "fashion", "gaming", "music", "journalism", "retail", "logistics", "insurance",
    "therapy", "diagnostics", "nutrition", "cooling", "heating", "lighting", "computing",
    "sensing", "mapping", "translation", "writing", "search", "memory", "trust", "consent",
    "ownership", "repair", "reuse", "resilience", "adaptation", "migration", "inequality",
    "productivity", "automation", "creativity", "community", "culture", "democracy", "policy",
    "standards", "supply chains", "materials", "batteries", "sensors", "satellites", "drones",
    "robots", "vehicles", "cities", "schools", "hospitals", "farms", "forests", "oceans",
    "rivers", "soils", "wetlands", "grids", "markets", "workplaces", "households", "archives",
)

# Keywords the whole scan keeps returning to; they take the top ranks of the vocabulary.
COMMON_KEYWORDS: tuple[str, ...] = (
    "AI", "artificial intelligence", "climate change", "sustainability", "innovation",
    "technology", "privacy", "machine learning", "automation", "regulation", "ethics",
    "renewable energy", "data", "misinformation", "social media", "mental health", "education",
    "cybersecurity", "public health", "urban planning", "biodiversity", "remote work",
    "economy", "ChatGPT", "supply chain", "electric vehicles", "China", "Europe", "open source",
    "startups", "generative AI", "employment", "housing", "agriculture", "inequality",
    "surveillance", "democracy", "robotics", "energy transition", "healthcare",
)

THEMES_BASE: tuple[str, ...] = (
    "technology", "artificial intelligence", "climate change", "sustainability", "innovation",
    "ethics", "economy", "society", "health", "education", "culture", "politics", "science",
    "environment", "privacy", "security", "urbanization", "work", "media", "energy",
    "digital transformation", "public policy", "consumer behavior", "globalization",
    "inequality", "mental health", "future of work", "governance", "communication",
    "human behavior", "creativity", "research", "history", "philosophy", "design",
    "transportation", "food systems", "biotechnology", "demographics", "finance",
    "entertainment", "social justice", "identity", "community", "geopolitics", "regulation",
    "automation", "resilience", "misinformation", "open science",
    "literature", "well-being", "infrastructure", "data", "trust", "collaboration",
    "space exploration", "mobility", "housing", "agriculture", "biodiversity", "aging",
    "youth culture", "surveillance", "open source", "labor rights", "circular economy",
    "disaster preparedness", "journalism", "language", "art", "music", "gaming", "sports",
)

THEME_MODIFIERS: tuple[str, ...] = (
    "digital", "urban", "global", "local", "ethical", "economic", "social", "political",
    "technological", "environmental", "cultural", "personal", "public", "corporate", "online",
    "emerging", "sustainable", "scientific", "collective", "future",
)

# Verbs in two forms, so sentences can agree with plural or gerund slots.
VERBS: tuple[tuple[str, str], ...] = (
    ("reshape", "reshaping"), ("transform", "transforming"), ("disrupt", "disrupting"),
    ("accelerate", "accelerating"), ("replace", "replacing"), ("undermine", "undermining"),
    ("strengthen", "strengthening"), ("redefine", "redefining"), ("expand", "expanding"),
    ("challenge", "challenging"), ("automate", "automating"), ("reduce", "reducing"),
    ("improve", "improving"), ("threaten", "threatening"), ("democratise", "democratising"),
    ("complicate", "complicating"), ("fragment", "fragmenting"), ("unlock", "unlocking"),
    ("monitor", "monitoring"), ("decentralise", "decentralising"),
)

ACTORS: tuple[str, ...] = (
    "Companies", "Governments", "Researchers", "Consumers", "Cities", "Startups", "Regulators",
    "Hospitals", "Universities", "Farmers", "Investors", "Workers", "Young people", "Artists",
    "Schools", "Insurers", "Retailers", "Platforms", "Communities", "Engineers", "Activists",
    "Policymakers", "Households", "Publishers", "Developers",
)

PLACES: tuple[str, ...] = (
    "Asia", "Europe", "Africa", "Latin America", "the United States", "China", "India",
    "Japan", "Brazil", "Kenya", "Germany", "France", "the Nordic countries", "Canada",
    "Australia", "South Korea", "Indonesia", "Nigeria", "Mexico", "the Gulf states",
    "São Paulo", "Zürich", "Montréal", "Kraków", "Reykjavík", "Lagos", "Jakarta", "Seoul",
)

CHANGE_CATEGORIES: tuple[str, ...] = (
    "Technological", "Cultural/Social", "Economic", "Scientific/Technological", "Political",
    "Environmental", "Academic", "Legal/Regulatory", "Behavioral", "Health",
)

# Sentence templates. Slots: {A} actor, {np}/{np2} noun phrases, {v}/{vg} verb and gerund,
# {place}, {fig} a figure with a unit. Kept varied so descriptions do not all start alike.
DESCRIPTION_TEMPLATES: tuple[str, ...] = (
    "{A} are increasingly {vg} {np} to {v} {np2}",
    "The growing use of {np} is {vg} how {np2} works in {place}",
    "A shift towards {np} that could {v} {np2} across {place}",
    "Adoption of {np} by {a_lower} is expected to {v} {np2}",
    "New approaches to {np} allow {a_lower} to {v} {np2} at lower cost",
    "Concerns that {np} may {v} {np2} without adequate oversight",
    "The rise of {np} is {vg} {np2}, with {fig} reported in {place}",
    "{A} in {place} are experimenting with {np} as an alternative to {np2}",
    "Investment in {np} reached {fig}, signalling confidence in {np2}",
    "Evidence suggests {np} can {v} {np2} when combined with {np3}",
    "Public debate over {np} is {vg} expectations about {np2}",
    "The “{np}” trend is {vg} {np2} for {a_lower}",
)

CLAUSES: tuple[str, ...] = (
    "raising questions about {np}",
    "especially among {a_lower}",
    "while {np} remains largely unregulated",
    "as costs of {np} fall",
    "in line with demand for {np}",
    "despite uncertainty over {np}",
    "which could {v} {np}",
    "with implications for {np} & {np2}",
    "and a rise of {fig} since last year",
    "particularly in {place}",
)

FIGURES: tuple[str, ...] = (
    "{n}%", "€{n} million", "£{n} billion", "${n} billion", "{n}°C", "{n} million people",
    "{n}% growth", "{n} times more", "{n} GW",
)

TITLE_TEMPLATES: tuple[str, ...] = (
    "How {np} Is {Vg} {Np2}",
    "The Rise of {Np} in {place}",
    "{Np}: What It Means for {Np2}",
    "Why {Np} Could {V} {Np2}",
    "Exploring {Np} and the Future of {Np2}",
    "The Hidden Costs of {Np}",
    "{Np} and {Np2}: Lessons from {place}",
    "Rethinking {Np} After {fig} Decline",
    "The “{Np}” Debate Reaches {place}",
    "Inside the Race to Build {Np}",
    "{Np} Meets {Np2}: A New Era for {Np3}",
    "What {place}’s Experiment with {Np} Teaches Us",
)

SIGNAL_NAME_TEMPLATES: tuple[str, ...] = (
    "Rise of {Np}", "{Np} Adoption", "Shift to {Np}", "Growing {Np} Market", "{Np} Regulation",
    "Decline of {Np}", "{Np} as a Service", "Demand for {Np}", "{Adj} {Head}",
    "{Np} in {place}", "Consumer Trust in {Np}", "{Np} Backlash", "Convergence of {Np} and {Np2}",
)

ROW_NAME_TEMPLATES: dict[str, tuple[str, ...]] = {
    "concerns": (
        "{Np} Risks", "Privacy Concerns over {Np}", "Job Displacement by {Np}",
        "Lack of Oversight in {Np}", "Ethical Implications of {Np}", "{Np} Inequality",
        "Dependence on {Np}", "Environmental Impact of {Np}",
    ),
    "behaviors": (
        "{Np} Experimentation", "Shift to {Np}", "Adoption of {Np}", "Community-led {Np}",
        "Everyday {Np}", "Resistance to {Np}", "DIY {Np}", "Sharing of {Np}",
    ),
    "technologies": (
        "{Np}", "{Adj} {Head} Platform", "{Np} Sensors", "{Np} Software", "AI-driven {Np}",
        "{Np} Systems",
    ),
    "issues": (
        "{Np} Governance", "Regulatory Gaps in {Np}", "Impact of {Np} on {Np2}",
        "Access to {Np}", "{Np} and Public Trust", "Security of {Np}", "Funding for {Np}",
    ),
}

# ---- French -------------------------------------------------------------------------------

FRENCH_NOUNS: tuple[str, ...] = (
    "l'intelligence artificielle", "la mobilité urbaine", "les données personnelles",
    "le commerce en ligne", "la transition énergétique", "les réseaux sociaux",
    "la santé mentale", "l'agriculture durable", "le télétravail", "les créateurs de contenu",
    "la souveraineté numérique", "les jumeaux numériques", "la biodiversité", "l'éducation",
    "la désinformation", "les énergies renouvelables", "la cybersécurité", "les médias",
    "l'économie circulaire", "la vie privée", "les villes intelligentes", "le logement",
    "la recherche scientifique", "les batteries", "l'alimentation", "les plateformes",
    "la régulation", "les semi-conducteurs", "la robotique", "le climat",
)

FRENCH_KEYWORDS: tuple[str, ...] = (
    "intelligence artificielle", "éthique", "climat", "innovation", "numérique",
    "réseaux sociaux", "données personnelles", "santé", "énergie", "commerce en ligne",
    "Afrique", "Europe", "régulation", "plateformes", "Québec",
    "travail", "éducation", "ville", "mobilité", "alimentation", "biodiversité",
    "vie privée", "désinformation", "startups", "robotique", "logement", "recherche",
    "transition écologique", "souveraineté", "cybersécurité", "médias", "emploi",
    "agriculture", "batteries", "économie circulaire", "automatisation", "jeunesse",
    "culture", "démocratie",
)

# (masculine, feminine): keyword phrases agree with their head noun's gender.
FRENCH_ADJECTIVES: tuple[tuple[str, str], ...] = (
    ("numérique", "numérique"), ("durable", "durable"), ("urbain", "urbaine"),
    ("mondial", "mondiale"), ("local", "locale"), ("public", "publique"), ("privé", "privée"),
    ("autonome", "autonome"), ("éthique", "éthique"), ("ouvert", "ouverte"),
    ("collaboratif", "collaborative"), ("énergétique", "énergétique"), ("social", "sociale"),
    ("économique", "économique"), ("virtuel", "virtuelle"), ("écologique", "écologique"),
    ("médical", "médicale"), ("industriel", "industrielle"), ("culturel", "culturelle"),
    ("européen", "européenne"),
)

# (noun, is feminine)
FRENCH_HEADS: tuple[tuple[str, bool], ...] = (
    ("économie", True), ("plateforme", True), ("réseau", False), ("marché", False),
    ("identité", True), ("travail", False), ("agriculture", True), ("mobilité", True),
    ("énergie", True), ("santé", True), ("sécurité", True), ("production", True),
    ("gouvernance", True), ("innovation", True), ("recherche", True), ("éducation", True),
    ("consommation", True), ("logistique", True), ("finance", True), ("régulation", True),
    ("publicité", True), ("transport", False), ("logement", False), ("alimentation", True),
    ("confiance", True), ("culture", True),
)

FRENCH_THEMES: tuple[str, ...] = (
    "intelligence artificielle", "éthique", "technologie", "société", "économie",
    "environnement", "consommation", "commerce", "santé", "éducation", "culture",
    "politique", "innovation", "travail", "climat", "médias", "territoires",
)

FRENCH_TEMPLATES: tuple[str, ...] = (
    "{np} modifie en profondeur {np2} en {place}, et interroge {np3}",
    "De plus en plus d'acteurs misent sur {np} afin de réduire leurs dépenses",
    "Le débat sur {np} s'intensifie, en particulier en {place}",
    "Selon une étude récente, {np} représenterait {fig} d'ici peu",
    "Grâce à {np}, {np2} gagne en efficacité mais perd en transparence",
    "Reste à savoir si {np} saura convaincre face à {np2}",
    "Recours à {np} pour mieux gérer {np2} à moindre coût",
    "D'après plusieurs experts, {np} pourrait supplanter {np2} dans les dix prochaines années",
)

FRENCH_TITLE_TEMPLATES: tuple[str, ...] = (
    "{Np} : la montée de {np2} en {place}",
    "Comment {np} transforme {np2}",
    "{Np} : enjeux et perspectives pour {np2}",
    "L'avenir de {np} face à {np2}",
)

# ---- Names, for article-specific keywords (people, organisations, products) -------------

FIRST_NAMES: tuple[str, ...] = (
    "Ana", "Benoît", "Chen", "Dara", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas",
    "Kemi", "Lars", "Maya", "Nikhil", "Olga", "Pedro", "Quinn", "Rosa", "Sami", "Tomás",
    "Uma", "Viktor", "Wen", "Yara", "Zoë", "Amara", "Björn", "Camille", "Dmitri", "Esther",
)

NAME_SYLLABLES: tuple[str, ...] = (
    "ka", "lo", "ve", "ri", "ta", "mon", "sel", "dar", "ne", "qui", "bra", "zo", "fen",
    "gal", "hu", "ish", "jor", "kel", "mar", "nov", "or", "pra", "rus", "sten", "tor", "ul",
    "vin", "wes", "yan", "zer",
)

ORG_SUFFIXES: tuple[str, ...] = (
    "Labs", "AI", "Institute", "Foundation", "Robotics", "Energy", "Bio", "Systems",
    "University", "Project", "Alliance", "Health",
)

URL_DOMAINS: tuple[str, ...] = (
    "www.futurewire.example.com", "techdispatch.example.org", "news.example.net",
    "www.sciencebrief.example.com", "citylab.example.org", "www.policyreview.example.eu",
    "blog.example.io", "www.lemonde-tech.example.fr", "medium.example.com",
    "arxiv.example.org", "en.wikipedia.org", "www.bbc.example.co.uk", "substack.example.com",
)

# Templates for the signal table's other columns, new layout (full sentences) and old layout
# (short phrases: the older pipeline wrote terse cells).
CHANGE_TEMPLATES: tuple[str, ...] = (
    "Shift from {np} to {np2}", "Transition from {np} towards {np2}",
    "Move away from {np} in favour of {np2}", "From niche {np} to mainstream {np2}",
    "Growing reliance on {np} instead of {np2}", "Erosion of {np} as {np2} spreads",
)

HORIZON_TEMPLATES: tuple[str, ...] = (
    "{np} becomes the norm for {np2}", "Widespread {np} reshapes {np2}",
    "{A} rely on {np} as a matter of course", "Regulatory frameworks for {np} emerge",
    "{np} could replace {np2} in most of {place}", "Markets for {np} consolidate around {np2}",
)

DRIVER_TEMPLATES: tuple[str, ...] = (
    "Falling costs of {np} and demand for {np2}", "Pressure to cut costs drives {np}",
    "Public demand for {np} and accountability", "Advances in {np} make {np2} accessible",
    "Desire for {np} and independence from {np2}", "Competition over {np} in {place}",
)

SPANISH_THEMES: tuple[str, ...] = ("tecnología", "sociedad", "medio ambiente")

FRENCH_PLACES: tuple[str, ...] = (
    "Europe", "Afrique de l'Ouest", "Asie du Sud-Est", "Amérique latine", "Chine", "Inde",
    "Bretagne", "Île-de-France", "Belgique", "Suisse romande", "Québec", "Corée du Sud",
)
