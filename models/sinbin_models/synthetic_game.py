"""Compositional game talk, English and French: the harmless lines that look violent or rude to a
model trained on tweets and forum comments (orders in a fight, praise, self-mockery, swearing at
the game, in-game places and names), the in-game look-alikes of threats, self-harm and doxxing,
and French insults aimed at a player.

Why compositional: a few hundred fixed sentences teach a model those sentences; slots filled
from word lists teach it the pattern (a violent verb aimed at a game object is an order, not a
threat). Every slot below was written for sinbin by its developers, across genres (MOBA, shooter,
MMO, survival, battle royale, card and sports games); no sentence comes from a data set or site.

Each generator returns (slot-0 index, line) pairs; the caller splits by that index (every fourth
opening held out) so that the test lines start in ways the models never trained on.
"""
import itertools
import random

# --- English ---------------------------------------------------------------------------------
EN_VERBS = ('kill', 'shoot', 'destroy', 'smash', 'wreck', 'burn', 'nuke', 'crush', 'execute', 'snipe', 'stab',
            'slaughter', 'murder', 'strangle', 'butcher', 'hunt', 'gank', 'dive', 'focus', 'finish', 'one-shot',
            'headshot', 'delete', 'demolish', 'blow up', 'bomb', 'rush', 'ambush', 'take out', 'beat', 'punish',
            'choke', 'poison', 'freeze', 'torch', 'flank', 'pick off', 'melt', 'spike', 'chop', 'raid', 'siege',
            'trap', 'bait', 'invade', 'clear', 'farm', 'zone', 'knock down', 'finish off')
EN_OBJECTS = ('the boss', 'their tower', 'the dragon', 'their carry', 'the healer', 'that sniper', 'the zombies',
              'the mobs', 'the npc', 'their base', 'the inhibitor', 'the nexus', 'the generator', 'the turret',
              'their jungler', 'the tank', 'the guards', 'the spiders', 'the goblins', 'the raid boss', 'their ward',
              'the payload', 'the creeps', 'the minions', 'the wave', 'their backline', 'baron', 'the adds',
              'that camper', 'the enemy team', 'the last guy', 'him', 'her', 'them', 'the support', 'their mid',
              'the medic', 'the rusher', 'the outpost', 'their farm', 'the barracks', 'the core', 'the totem',
              'the witch', 'the skeletons', 'the bandits', 'the cultists', 'their rotation', 'the keeper', 'their ads',
              'the rat', 'the camp', 'the elite', 'their mech', 'the helicopter', 'the tanks', 'their squad')
EN_TAILS = ('', '', '', 'first', 'now', 'asap', 'before it respawns', 'from behind', 'with ult', 'at b site',
            'near the river', 'in the jungle', 'on the bridge', 'with the shotgun', 'quick', 'pls', 'go go', 'lol',
            'he is low', 'she is one hp', 'they have no flash', 'on my mark', 'after the stun', 'then push',
            'before they rez', 'from the high ground', 'with fire arrows', 'for the quest', 'for xp', 'for loot')
EN_PRAISE_ADJ = ('sick', 'insane', 'crazy', 'nasty', 'filthy', 'disgusting', 'dirty', 'brutal', 'savage', 'stupid',
                 'ridiculous', 'unreal', 'mental', 'evil', 'cheesy', 'broken', 'busted', 'cracked', 'illegal',
                 'absurd', 'wild', 'criminal', 'obscene', 'ruthless', 'vicious')
EN_PRAISE_NOUN = ('play', 'clutch', 'shot', 'flick', 'combo', 'save', 'snipe', 'ult', 'dodge', 'outplay', 'comeback',
                  'no-scope', 'trick shot', 'rotation', '1v3', 'ace', 'pentakill', 'parry', 'goal', 'lap', 'build',
                  'deck', 'read', 'bait', 'steal')
EN_PRAISE_FRAMES = ('that was a {a} {n}', 'what a {a} {n}', '{a} {n} bro', 'such a {a} {n}', 'that {n} was {a}',
                    '{a} {n} wp', 'lmao that {n} is {a}', 'bro that {n}, {a}', 'holy {a} {n}', '{a} good {n}',
                    'how is that {n} not {a}', 'ok that {n} was kinda {a}')
EN_INTENSE_PRAISE = ('stupid good', 'dumb lucky', 'crazy good', 'sick as hell', 'insanely good', 'filthy good',
                     'disgustingly good', 'stupidly lucky', 'criminally good', 'nasty work', 'dirty work', 'evil genius move',
                     'absolute menace', 'actual monster', 'beast mode', 'cracked aim', 'disgusting aim', 'filthy hands')
EN_SELF = ("i'm", 'im', 'i am', "lol i'm", "man i'm", 'omg im', "ugh i'm", 'honestly i am')
EN_SELF_STATE = ('so dumb', 'an idiot', 'such a noob', 'trash', 'garbage', 'braindead', 'so bad', 'a potato',
                 'useless today', 'clueless', 'so stupid', 'a clown', 'washed', 'blind', 'the worst', 'a bot today',
                 'dogwater', 'throwing', 'so slow')
EN_SELF_REASON = ('', 'i forgot to buy armor', 'walked right into the trap', 'missed the jump', 'fell off the map',
                  'sold my sword', 'forgot to heal', 'pressed the wrong key', 'died to the tutorial boss', 'sorry team',
                  'my bad', 'wrong button', 'forgot my flash', 'missed every shot', 'ran out of ammo', 'lagged into the wall',
                  'forgot the key', 'went the wrong way', 'aggro the whole room')
EN_QUESTION_PREFIX = ('dumb question', 'stupid question', 'noob question', 'sorry noob q', 'probably a dumb question',
                      'idiot question', 'might be a stupid question', 'total noob here')
EN_QUESTIONS = ("what's mmr", 'how do i craft a bow', 'where is the merchant', 'do i need a pickaxe for this',
                'what does this rune do', 'how do i unlock ranked', 'how do i rotate the camera', 'whats the best build',
                'is the dlc worth it', 'where do i turn in the quest', 'how do i get out of this cave',
                'what level for the raid', 'which hero counters him', 'how do i ping', 'can i respec', 'where do i buy ammo')
# Mild oaths only: the public sets label "shit"/"wtf" lines offensive, and these lines must not
# teach the models otherwise.
EN_SWEAR = ('crap', 'damn', 'dammit', 'oh crap', 'bloody hell', 'hell', 'omg', 'ugh', 'argh', 'holy crap', 'damn it',
            'jeez', 'welp', 'oh no', 'noooo', 'bruh', 'rip', 'not again')
EN_GAME_EVENTS = ('missed the jump', 'this boss', 'lag again', 'i fell', 'the server crashed', '1 hp', 'they got the dragon',
                  'out of ammo', 'my controller died', 'again?!', 'dc again', 'that hitbox', 'wrong door', 'the rng',
                  'fell in the lava', 'the bridge broke', 'my game froze', 'forgot to save', 'stuck in the wall',
                  'this puzzle', 'that spawn', 'the timer')
EN_HAZARD_SUBJECTS = ('that boss', 'this map', 'the last level', 'this dungeon', 'lava', 'the final stage',
                      'the sniper spot', 'that corner', 'the water level', 'the ice bridge', 'this raid', 'that mob',
                      'the second phase', 'this checkpoint', 'the spike pit', 'the gas', 'the zone', 'the storm')
EN_HAZARD_PREDICATES = ('is a killer', 'is a death trap', 'is brutal', 'is murder', 'kills everyone', 'is deadly',
                        'is evil', 'is hell', 'is a nightmare', 'will kill us', 'destroyed us', 'is savage',
                        'is killing me', 'is pure pain', 'is insane', 'murdered our whole team')
EN_COMPLIMENT_FRAMES = ("you're a {x}", 'ur a {x}', "he's a {x}", 'she is a {x}', 'what a {x}', 'absolute {x}',
                        'this guy is a {x}', 'our mid is a {x}')
EN_COMPLIMENT_NOUNS = ('killer', 'beast', 'monster', 'machine', 'animal', 'savage', 'menace', 'demon', 'assassin',
                       'sniper god', 'terminator', 'butcher', 'psycho with that aim', 'killing machine')
EN_COMPLIMENT_TAILS = ('', 'with that sniper', 'on that hero', 'in lane', 'today', 'wp', 'lol', 'gg', 'keep it up')
EN_KILL_TALK = ('nice kill on {o}', 'double kill', 'triple kill', 'first blood on {o}', 'killing spree', 'kill steal lol',
                'who killed {o}', 'i got {o}', 'we killed {o}', '{o} is dead', 'they killed {o}', '{o} down',
                'neck and neck at {k} kills', '{k} kills already', 'trade kills with {o}', 'go for the kill on {o}')
EN_KILL_COUNTS = ('10', '20', '40', '12', '7', '30')

# In-game look-alikes of threats, self-harm and doxxing: the same verbs and questions with a game
# frame (a match, an arena, a map, a spawn, an account in the game).
EN_GAME_THREAT_HEADS = ("i'll kill you", "i'm going to destroy you", "i'll wreck you", 'i will end you', "you're dead",
                        "i'll crush you", "i'll beat you", "i'll bury you", "i'm coming for you", "i'll hunt you down",
                        "i'll make you cry", 'you are so dead', "i'll smoke you", "i'll clap you", "i'll eat you alive",
                        "i'll find you", "i'll take you out", "i'll end your run")
EN_GAME_THREAT_FRAMES = ('in the 1v1', 'in the finals', 'next round', 'in the arena', 'in ranked', 'at 8 in the tournament',
                         'on the court', 'in the rematch', 'in game', 'when we queue again', 'in the duel',
                         'with my new deck', 'on the map', 'in the next match', 'at the spawn', 'in the scrim',
                         'in the last circle', 'in the boss race', 'next season', 'in the grand final', 'in mid lane')
EN_GAME_THREAT_TAILS = ('', '', 'lol', 'gl hf', 'gg', 'bring it', 'rematch?', 'no mercy', 'haha', 'watch me')
EN_GAME_SELFHARM = ('kill yourself {w}', 'suicide {w}', 'jump off the cliff {w}', 'die on purpose {w}',
                    'throw yourself into the pit {w}', 'unalive your character {w}', 'reset by dying {w}',
                    'walk into the lava {w}', 'blow yourself up {w}')
EN_GAME_SELFHARM_WHY = ('to reset', 'to respawn faster', 'to get back to base', 'with a grenade', 'to skip the cutscene',
                        'so we can restart the run', 'for the achievement', 'to unstuck', 'to get the checkpoint',
                        'it is faster than walking', 'to reset the boss')
EN_GAME_SELFHARM_PLAIN = ('suicide run on the bomb site', 'suicide squad strat on a', 'kamikaze the tower',
                          'suicide bomber class is op', 'i died on purpose to reset', 'killed myself with my own grenade lol',
                          'self destruct the mech', 'sacrifice yourself for the team buff', 'my hero can kill herself to heal us',
                          'kill your own minion to deny')
EN_GAME_DOX_ASK = ("what's your", 'whats ur', 'send me your', 'drop your', 'tell me your', 'post your', 'whats your',
                   'give me your')
EN_GAME_DOX_ITEMS = ('ign', 'in-game name', 'username', 'gamertag', 'friend code', 'discord', 'guild name', 'server',
                     'coords', 'base coords', 'plot number', 'house number in the housing district', 'island code',
                     'lobby code', 'clan tag', 'steam name', 'party code', 'realm', 'battle tag', 'main')
EN_GAME_DOX_TAILS = ('', "i'll add you", 'so i can invite you', 'for the raid', 'to trade', 'we need a 5th',
                     'for the tournament', 'i want to visit your island', 'ill send the loot', 'to duo later')
EN_GAME_WHERE = ('i know where you are', "i know where you're hiding", 'i see you', 'found you',
                 'i know where your base is', "i'm coming to your base", "i'll wait outside your base",
                 'meet me', 'i know where you camp', 'i know where your spawn is', "i'll be at your house in game",
                 'come to my house in game')
EN_GAME_WHERE_AT = ('behind the crates', 'on the map', 'in the bushes', 'near the tower', 'at the spawn', 'on the roof',
                    'under the bridge', 'in sector 7', 'at the ruins', 'by the waterfall', 'in the housing ward',
                    'at plot 12', 'at coords 200 64 -90', 'on the east island', 'at the guild hall')

# --- French ----------------------------------------------------------------------------------
FR_VERBS = ('tue', 'tuez', 'bute', 'butez', 'défonce', 'detruis', 'détruisez', 'éclate', 'achève', 'focus', 'snipe',
            'pète', 'explose', 'nettoie', 'rase', 'crame', 'brûle', 'massacre', 'démolis', 'one shot', 'fume',
            'termine', 'allume', 'gank', 'plombe', 'dégomme', 'bombarde', 'finis', 'tape', 'chasse')
FR_OBJECTS = ('le boss', 'leur tour', 'le support', 'leur carry', 'le tank', 'le heal', 'les zombies', 'le dragon',
              'leur base', 'le nexus', 'les sbires', 'le sniper', 'le dernier', 'la tourelle', 'leurs wards', 'le mage',
              'leur jungler', 'le campeur', 'les gardes', 'le générateur', 'les araignées', 'les gobelins', 'le baron',
              "l'avant-poste", 'le camp', 'leur adc', 'le mid', 'les mobs', 'le pnj', 'les squelettes')
FR_TAILS = ('', '', '', 'vite', 'maintenant', "d'abord", 'en premier', "avec l'ulti", 'par derrière', 'au pont', 'à B',
            'il est low', "il a plus de flash", 'go go', 'stp', 'avant qu il respawn', 'après le stun', 'puis on push',
            'pour la quête', "pour l'xp", 'mdr')
FR_PRAISE_FRAMES = ("c'était {a} ce {n}", 'quel {n} de {a}', 'trop {a} le {n}', 'grave {a} ton {n}', '{n} de {a} gg',
                    'ptn le {n} était {a}', 'wsh ce {n} {a}', '{a} le {n} mdr', 'mais ce {n} est {a}')
FR_PRAISE_ADJ = ('ouf', 'fou', 'dingue', 'chaud', 'sale', 'violent', 'incroyable', 'énorme', 'abusé', 'cheaté', 'stylé',
                 'propre', 'monstrueux', 'diabolique', 'brutal', 'sauvage', 'malade', 'indécent')
FR_PRAISE_NOUN = ('play', 'clutch', 'tir', 'combo', 'headshot', 'retournement', 'flick', 'ace', 'penta', 'but', 'dribble',
                  'deck', 'build', 'outplay', 'save')
FR_SELF = ('je suis', 'jsuis', 'chui', "j'suis", 'mdr je suis', 'ptn je suis', 'franchement je suis')
FR_SELF_STATE = ('nul', 'trop nul', 'éclaté', 'une brêle', 'un noob', 'à la ramasse', 'mauvais aujourd hui', 'aveugle',
                 'une patate', 'un boulet', 'en carton', 'rouillé', 'pas réveillé', 'une quiche')
FR_SELF_REASON = ('', 'désolé', 'dsl', "j'ai oublié de stuff", 'je suis tombé dans le piège', "j'ai raté le saut",
                  "j'ai oublié de me heal", 'mauvaise touche', 'je suis tombé de la map', "j'ai plus de munitions",
                  'mon bad', 'pardon la team', "j'ai lag")
FR_IDIOMS = ('je suis mort', 'chui mort', 'je meurs', 'mdr je meurs', 'ptdr', 'jpp', 'je suis décédé', "j'suis dead",
             'ce boss me tue', 'ce niveau me tue', 'ce jeu va me tuer', 'achevez-moi ce donjon est trop long',
             'je suis mort de fatigue', 'ça me tue ce lag', 'je vais mourir de rire', "j'ai failli crever de rire",
             'on est morts', 'on s est fait massacrer', 'on a été détruits', 'je me suis fait éclater', 'ils nous ont rasés',
             'je crève de faim je reviens', 'tuer le temps en attendant la game', 'ce raid est un massacre',
             'trop violent ce boss', 'la zone nous a tués', 'mort de rire ton perso')
FR_PLACES = ('au spawn', 'à la base', 'au point B', 'au pont', 'au marchand', 'dans la jungle', 'à la tour du milieu',
             'derrière le rocher', 'à la forge', "à l'auberge", 'au camp du dragon', 'sur le toit', 'au portail')
FR_PLACE_HEADS = ('je suis', 'on se retrouve', 'rdv', 'go', 'rejoins-moi', 'je sais où t es', 'je te vois', 'je t attends',
                  'je campe', 'viens', 'je vais te trouver')
FR_GAME_ASK = ("c'est quoi ton pseudo", "t'as discord", 'ajoute-moi', "c'est quoi ton code ami", "t'es sur quel serveur",
               'tu joues sur quelle plateforme', "c'est quoi le nom de ta guilde", 'donne ton code de groupe',
               "c'est quoi ton id en jeu", 'file tes coords de base', "c'est quoi ton battletag", 'ton ile c est quoi le code')
FR_GAME_ASK_TAILS = ('', 'pour la raid', 'je t invite', 'on duo après', 'pour échanger', 'il nous manque un 5e', 'stp')
FR_GAME_THREAT_HEADS = ('je vais te défoncer', "je vais t'éclater", 'je vais te détruire', 'je te bute', "t'es mort",
                        'je vais te tuer', 'je vais te rouler dessus', 'je vais te massacrer', 'tu vas prendre cher',
                        'je vais te retrouver', 'je vais te fumer', 'tu vas mourir')
FR_GAME_THREAT_FRAMES = ('en 1v1', 'en finale', 'au prochain round', 'en ranked', "dans l'arène", 'à la revanche',
                         'en jeu', 'à la prochaine game', 'au tournoi', 'sur la map', 'en duel', 'au spawn')
FR_GAME_THREAT_TAILS = ('', '', 'mdr', 'lol', 'gg', 'prépare-toi', 'haha', 'bonne chance')
FR_GAME_SELFHARM = ('suicide-toi {w}', 'jette-toi {w}', 'saute {w}', 'tue-toi {w}', 'meurs {w}', 'fais-toi exploser {w}')
FR_GAME_SELFHARM_WHY = ('dans la lave pour reset', 'dans le vide pour respawn', 'du pont pour revenir à la base',
                        'pour reset le boss', 'avec une grenade pour respawn plus vite', 'pour passer la cinématique',
                        'pour débloquer le perso')
FR_OTHER_VERBS = ('crève le pneu', 'crève les ballons', 'pends le drapeau', 'pends la lanterne', 'exécute le script',
                  'achève la quête', 'tue le moteur', 'casse les caisses', 'brûle les toiles', 'égorge le cochon pour la viande',
                  'plante la graine', 'plante le drapeau', 'fais sauter le mur', 'explose les barils')

# --- French insults aimed at a player ----------------------------------------------------------
FR_INSULT_WORDS = ('connard', 'connasse', 'abruti', 'débile', 'crétin', 'enculé', 'batard', 'bouffon', 'gros nul',
                   'sac à merde', 'imbécile', 'tocard', 'clochard', 'fils de pute', 'salope', 'pute', 'teubé', 'boloss',
                   'grosse merde', 'sous-merde', 'déchet', 'attardé', 'mongol', 'cassos', 'trou du cul', 'branleur',
                   'pauvre con', 'fdp', 'merdeux', 'baltringue', 'guignol', 'raclure', 'gogol', 'enfoiré')
FR_INSULT_FRAMES = ('{i}', 't es vraiment un {i}', 'sale {i}', '{i} de mid', 'ce {i} de support', 'quel {i} ce jungler',
                    'ta gueule {i}', 'ferme-la {i}', 'le {i} qui feed', 'espèce de {i}', 'va jouer ailleurs {i}',
                    'tg {i}', 'ntm {i}', 'nique ta mère {i}', 'vtff {i}', 'ftg sale {i}', 'notre {i} de carry',
                    'uninstall {i}', 'report ce {i}', 't es qu un {i}')
FR_ABUSE = ('ntm', 'fdp', 'tg', 'ftg', 'ta gueule', 'ferme ta gueule', 'nique ta mère', 'nique ta race', 'va te faire foutre',
            'vtff', 'ta mère la pute', 'je baise ta mère', 'ta race', 'tes parents ont honte de toi', 'casse-toi',
            'dégage de ma game', 'retourne sur fortnite gamin', 'tu pues la merde', 't es une merde', 'tu sers à rien',
            'personne veut de toi', 'désinstalle sale merde', 'va chialer', 'ferme ta bouche')
FR_ABUSE_TAILS = ('', '', 'le support', 'le mid', 'sale noob', 'bouffon', 'toi', 'gros', 'mdr', '!!')


# The other half of each contrast: the same openings aimed at the player's real life are threats.
EN_REAL_FRAMES = ('irl', 'for real', 'at your house', 'after school', 'outside your house', 'in real life',
                  'tonight at your place', 'when i find your address', 'at your job', 'on your way home', 'not in game',
                  'this weekend at your door')
FR_REAL_FRAMES = ('irl', 'en vrai', 'pour de vrai', 'à la sortie', 'devant chez toi', "à l'école", 'lundi au lycée',
                  'dans la vraie vie', 'ce soir chez toi', 'quand je trouve ton adresse', 'pas dans le jeu', 'à ton taf')
# French harassment the English sets cannot teach a French reader: sexual remarks at a player,
# and attacks on who someone is (group names as players use them, for the identity head).
FR_SEXUAL = ('montre tes seins', 'envoie une photo de toi en sous-vêtements', 't es bonne toi', 'viens on baise',
             'je vais te violer', 'branle-toi', 'ouvre ta cam je veux te voir', 'tu suces pour des skins ?',
             'petite chienne', 'assieds-toi sur mes genoux', 'chaudasse', 'tu fais des trucs en privé ?',
             't as quel âge ? envoie des photos', 'enlève ton haut', 'je me touche en t écoutant')
FR_GROUPS = ('noirs', 'arabes', 'juifs', 'musulmans', 'chinois', 'gitans', 'pédés', 'femmes', 'meufs', 'trans', 'handicapés',
             'roumains', 'asiatiques')
FR_IDENTITY_FRAMES = ('sale race de {g}', 'les {g} dehors', 'les {g} ça sait pas jouer', 'encore un de ces {g}',
                      'on devrait interdire les {g}', 'les {g} c est des animaux', 'je supporte pas les {g}',
                      'retourne chez toi, pas de {g} ici', 'ferme-la, les {g} ont pas le droit de parler',
                      'typique des {g}', 'bande de {g}')


# The finger, alone or with a word: an insult in every language.
EMOJI_INSULTS = ('🖕', '🖕🖕', '🖕🖕🖕', '🖕🏻', '🖕🏿', '🖕 noob', 'f u 🖕', '🖕 you', 'eat this 🖕', '🖕 ur mom', 'this 🖕 for you',
                 '🖕 trash', '🖕 the support', '🖕 fdp', '🖕 connard', 'gg 🖕', 'ez 🖕', '🖕 l2p', '🖕 🤡', '🤡🖕')


def _sample(rng: random.Random, combos: list, limit: int) -> list:
    return combos if len(combos) <= limit else rng.sample(combos, limit)


def _join(*parts: str) -> str:
    return ' '.join(' '.join(p for p in parts if p).split())


def _product(first: tuple, *rest: tuple, fmt=None) -> list[tuple[int, str]]:
    out = []
    for i, head in enumerate(first):
        for tail in itertools.product(*rest):
            out.append((i, fmt(head, *tail) if fmt else _join(head, *tail)))
    return out


def harmless_en(rng: random.Random) -> list[tuple[int, str]]:
    """Orders, praise, self-mockery, questions, swearing at the game, deadly places, compliments, kill talk."""
    parts = [
        _sample(rng, _product(EN_VERBS, EN_OBJECTS, EN_TAILS), 900),
        _sample(rng, _product(EN_PRAISE_FRAMES, EN_PRAISE_ADJ, EN_PRAISE_NOUN, fmt=lambda f, a, n: f.format(a=a, n=n)), 350),
        _sample(rng, [(i, _join(p, t)) for i, p in enumerate(EN_INTENSE_PRAISE) for t in ('', 'wp', 'lol', 'gg', 'bro', 'holy')], 80),
        _sample(rng, _product(EN_SELF, EN_SELF_STATE, EN_SELF_REASON, fmt=lambda s, st, r: _join(s, st + (',' if r else ''), r)), 350),
        _sample(rng, _product(EN_QUESTION_PREFIX, EN_QUESTIONS, fmt=lambda p, q: f'{p}, {q}'), 120),
        _sample(rng, _product(EN_SWEAR, EN_GAME_EVENTS, fmt=lambda s, e: f'{s}, {e}'), 260),
        _sample(rng, _product(EN_HAZARD_SUBJECTS, EN_HAZARD_PREDICATES), 200),
        _sample(rng, _product(EN_COMPLIMENT_FRAMES, EN_COMPLIMENT_NOUNS, EN_COMPLIMENT_TAILS,
                              fmt=lambda f, x, t: _join(f.format(x=x), t)), 200),
        _sample(rng, [(i, f.format(o=o, k=k)) for i, f in enumerate(EN_KILL_TALK) for o in EN_OBJECTS[:25] for k in EN_KILL_COUNTS], 150),
    ]
    return [x for p in parts for x in p]


def lookalike_en(rng: random.Random) -> list[tuple[int, str]]:
    parts = [
        _sample(rng, _product(EN_GAME_THREAT_HEADS, EN_GAME_THREAT_FRAMES, EN_GAME_THREAT_TAILS), 450),
        _sample(rng, _product(EN_GAME_SELFHARM, EN_GAME_SELFHARM_WHY, fmt=lambda f, w: f.format(w=w)), 90),
        [(i, t) for i, t in enumerate(EN_GAME_SELFHARM_PLAIN)],
        _sample(rng, _product(EN_GAME_DOX_ASK, EN_GAME_DOX_ITEMS, EN_GAME_DOX_TAILS,
                              fmt=lambda a, it, t: _join(a, it + ('?' if not t else ','), t)), 300),
        _sample(rng, _product(EN_GAME_WHERE, EN_GAME_WHERE_AT), 150),
    ]
    return [x for p in parts for x in p]


def harmless_fr(rng: random.Random) -> list[tuple[int, str]]:
    parts = [
        _sample(rng, _product(FR_VERBS, FR_OBJECTS, FR_TAILS), 600),
        _sample(rng, _product(FR_PRAISE_FRAMES, FR_PRAISE_ADJ, FR_PRAISE_NOUN, fmt=lambda f, a, n: f.format(a=a, n=n)), 220),
        _sample(rng, _product(FR_SELF, FR_SELF_STATE, FR_SELF_REASON, fmt=lambda s, st, r: _join(s, st + (',' if r else ''), r)), 220),
        [(i, _join(t, tail)) for i, t in enumerate(FR_IDIOMS) for tail in ('', 'mdr', '💀', 'ptn', 'lol')],
        _sample(rng, _product(FR_PLACE_HEADS, FR_PLACES), 110),
        _sample(rng, _product(FR_GAME_ASK, FR_GAME_ASK_TAILS, fmt=lambda a, t: _join(a + (' ?' if not t else ','), t)), 80),
        [(i, _join(v, t)) for i, v in enumerate(FR_OTHER_VERBS) for t in ('', 'pour ouvrir la porte', 'vite', 'pour la quête')],
    ]
    return [x for p in parts for x in p]


def lookalike_fr(rng: random.Random) -> list[tuple[int, str]]:
    parts = [
        _sample(rng, _product(FR_GAME_THREAT_HEADS, FR_GAME_THREAT_FRAMES, FR_GAME_THREAT_TAILS), 260),
        _sample(rng, _product(FR_GAME_SELFHARM, FR_GAME_SELFHARM_WHY, fmt=lambda f, w: f.format(w=w)), 42),
    ]
    return [x for p in parts for x in p]


def insults_fr(rng: random.Random) -> list[tuple[int, str]]:
    parts = [
        _sample(rng, _product(FR_INSULT_FRAMES, FR_INSULT_WORDS, fmt=lambda f, w: f.format(i=w)), 500),
        _sample(rng, _product(FR_ABUSE, FR_ABUSE_TAILS), 200),
        [(i, t) for i, t in enumerate(EMOJI_INSULTS)],
    ]
    return [x for p in parts for x in p]


def threats_real(rng: random.Random) -> list[tuple[int, str]]:
    parts = [
        _sample(rng, _product(EN_GAME_THREAT_HEADS, EN_REAL_FRAMES), 150),
        _sample(rng, _product(FR_GAME_THREAT_HEADS, FR_REAL_FRAMES), 120),
    ]
    return [x for p in parts for x in p]


def sexual_fr(rng: random.Random) -> list[tuple[int, str]]:
    return [(i, _join(t, tail)) for i, t in enumerate(FR_SEXUAL) for tail in ('', 'stp', 'mdr', 'bébé')]


def identity_fr(rng: random.Random) -> list[tuple[int, str]]:
    return _sample(rng, _product(FR_IDENTITY_FRAMES, FR_GROUPS, fmt=lambda f, g: f.format(g=g)), 110)


def compositional(seed: int = 11) -> list[tuple[str, str, int, str, str | None]]:
    """(kind, text, split-index, language, the attribute the generator is about, if one) for every
    generated line; kinds: harmless_game, lookalike (not toxic); insult_fr, threat_real,
    harassment_fr (toxic; its lines are `sexual` or `identity_hate`)."""
    rng = random.Random(seed)
    out = []
    for kind, lang, gen, attribute in (
            ('harmless_game', 'en', harmless_en, None), ('lookalike', 'en', lookalike_en, None),
            ('harmless_game', 'fr', harmless_fr, None), ('lookalike', 'fr', lookalike_fr, None),
            ('insult_fr', 'fr', insults_fr, None), ('threat_real', 'en+fr', threats_real, None),
            ('harassment_fr', 'fr', sexual_fr, 'sexual'), ('harassment_fr', 'fr', identity_fr, 'identity_hate')):
        for i, text in gen(rng):
            out.append((kind, text, i, lang, attribute))
    return out
