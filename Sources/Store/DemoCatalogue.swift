/// What a physics department's stores counter sells, for the demo data: categories with their
/// VAT rate and store room, and item names, units and price ranges for each.
enum DemoCatalogue {
    /// One category of the demo store.
    struct Category {
        let name: String
        let description: String
        /// VAT in ten-thousandths (2000 = 20%; books are zero-rated).
        let vatRate: Int64
        let room: String
        /// Share of the catalogue.
        let weight: Double
        let skuPrefix: String
        let kind: Kind
    }

    enum Kind {
        case components, cables, chemicals, cryogens, glassware, consumables, optics, vacuum, fasteners, tools, safety
        case books, stationery
    }

    /// An item before it has an id, SKU or stock.
    struct ItemTemplate {
        let name: String
        let unit: String
        let pricePence: Int64
        /// Sold by the litre or kilogram, in fractions.
        let fractional: Bool
    }

    static let categories: [Category] = [
        Category(name: "Electronic Components", description: "Resistors, capacitors, semiconductors and ICs",
                 vatRate: 2000, room: "Main Store", weight: 26, skuPrefix: "ELC", kind: .components),
        Category(name: "Cables & Connectors", description: "RF, data and power cables, connectors, wire",
                 vatRate: 2000, room: "Main Store", weight: 10, skuPrefix: "CAB", kind: .cables),
        Category(name: "Chemicals", description: "Solvents, acids, salts and specialist compounds",
                 vatRate: 2000, room: "Chemical Store", weight: 9, skuPrefix: "CHM", kind: .chemicals),
        Category(name: "Cryogens", description: "Liquid nitrogen, liquid helium, dry ice",
                 vatRate: 2000, room: "Cryogen Hall", weight: 1, skuPrefix: "CRY", kind: .cryogens),
        Category(name: "Lab Glassware", description: "Beakers, flasks, cylinders, dishes, pipettes",
                 vatRate: 2000, room: "Main Store", weight: 7, skuPrefix: "GLS", kind: .glassware),
        Category(name: "Consumables", description: "Gloves, wipes, tapes, solder and bench sundries",
                 vatRate: 2000, room: "Main Store", weight: 12, skuPrefix: "CON", kind: .consumables),
        Category(name: "Optics", description: "Lenses, mirrors, filters and mounts",
                 vatRate: 2000, room: "Optics Store", weight: 8, skuPrefix: "OPT", kind: .optics),
        Category(name: "Vacuum", description: "KF and CF fittings, seals, gaskets and clamps",
                 vatRate: 2000, room: "Main Store", weight: 6, skuPrefix: "VAC", kind: .vacuum),
        Category(name: "Fasteners", description: "Screws, nuts, washers and standoffs",
                 vatRate: 2000, room: "Main Store", weight: 9, skuPrefix: "FST", kind: .fasteners),
        Category(name: "Tools", description: "Hand tools and meters",
                 vatRate: 2000, room: "Main Store", weight: 4, skuPrefix: "TLS", kind: .tools),
        Category(name: "Safety & PPE", description: "Eye, hand and body protection",
                 vatRate: 2000, room: "Main Store", weight: 4, skuPrefix: "PPE", kind: .safety),
        Category(name: "Books", description: "Textbooks and manuals (zero-rated)",
                 vatRate: 0, room: "Counter", weight: 2, skuPrefix: "BKS", kind: .books),
        Category(name: "Stationery", description: "Lab notebooks, pens and labels",
                 vatRate: 2000, room: "Counter", weight: 2, skuPrefix: "STN", kind: .stationery),
    ]

    /// Research groups and facilities that hold charge codes.
    static let groups = [
        "Condensed Matter Physics", "Quantum Technologies", "Particle Physics", "Astrophysics", "Photonics",
        "Nanofabrication Facility", "Cryogenics Facility", "Biophysics", "Theoretical Physics", "Teaching Laboratories",
        "Mechanical Workshop", "Electronics Workshop", "Atmospheric Physics", "Plasma Physics", "Medical Physics",
    ]

    /// What a charge code pays for.
    static let purposes = [
        "consumables", "EPSRC grant", "STFC grant", "ERC grant", "undergraduate labs", "PhD projects",
        "equipment maintenance", "outreach", "Leverhulme fellowship", "industrial contract",
    ]

    /// A random item of `kind`.
    static func item(_ kind: Kind, _ random: inout DemoRandom) -> ItemTemplate {
        func price(_ range: ClosedRange<Int>) -> Int64 { Int64(random.int(range)) }
        switch kind {
        case .components:
            let (part, values, packages): (String, [String], [String]) = random.pick([
                ("Resistor", ["1k", "2.2k", "4.7k", "10k", "47k", "100k", "1M"], ["0.25W 1%", "0.6W metal film"]),
                ("Ceramic capacitor", ["10pF", "100pF", "100nF", "1uF"], ["50V X7R", "0805"]),
                ("Electrolytic capacitor", ["10uF", "100uF", "1000uF"], ["25V", "63V"]),
                ("Inductor", ["10uH", "100uH", "1mH"], ["1A", "radial"]),
                ("Diode", ["1N4148", "1N4007", "BAT54"], ["DO-35", "SOT-23"]),
                ("LED", ["red", "green", "blue", "white"], ["3mm", "5mm"]),
                ("Transistor", ["BC547", "2N3904", "2N2222"], ["TO-92"]),
                ("MOSFET", ["IRF540N", "2N7000", "IRLZ44N"], ["TO-220", "TO-92"]),
                ("Op-amp", ["TL072", "NE5532", "OPA2134"], ["DIP-8", "SOIC-8"]),
                ("Voltage regulator", ["7805", "LM317", "LD1117 3.3V"], ["TO-220"]),
                ("Microcontroller", ["ATmega328P", "STM32F103", "RP2040"], ["QFN", "LQFP"]),
                ("Crystal", ["8MHz", "16MHz", "32.768kHz"], ["HC-49"]),
            ])
            return ItemTemplate(name: "\(part) \(random.pick(values)) \(random.pick(packages))",
                                unit: random.pick(["each", "pack of 10", "pack of 100"]),
                                pricePence: price(2...2500), fractional: false)
        case .cables:
            let cable = random.pick(["BNC cable", "SMA cable", "Coaxial cable RG58", "USB-C cable", "Ethernet Cat6 cable",
                                     "Hook-up wire", "Ribbon cable", "Banana lead", "D-sub connector", "LEMO connector"])
            let length = random.pick(["0.5m", "1m", "2m", "5m", "10m", "reel 100m"])
            return ItemTemplate(name: "\(cable) \(length)", unit: length.hasPrefix("reel") ? "reel" : "each",
                                pricePence: price(150...9500), fractional: false)
        case .chemicals:
            let chemical = random.pick(["Acetone", "Isopropanol", "Ethanol absolute", "Methanol", "Hydrochloric acid 37%",
                                        "Nitric acid 70%", "Sulfuric acid 98%", "Sodium hydroxide pellets",
                                        "Hydrogen peroxide 30%", "Deionised water", "Toluene", "Silicone oil",
                                        "Ferric chloride", "Photoresist S1813", "Developer MF-319"])
            let grade = random.pick(["AR grade", "HPLC grade", "electronic grade", "reagent grade", "technical"])
            let unit = random.pick(["L", "L", "kg"])
            return ItemTemplate(name: "\(chemical) \(grade)", unit: unit, pricePence: price(400...9000), fractional: true)
        case .cryogens:
            let (name, unit, base): (String, String, Int) = random.pick([
                ("Liquid nitrogen", "L", 25), ("Liquid helium", "L", 1450), ("Dry ice pellets", "kg", 180),
                ("Liquid nitrogen (dewar fill)", "L", 22)])
            return ItemTemplate(name: name + random.pick(["", " bulk", " transport dewar"]), unit: unit,
                                pricePence: price(base...(base + 20)), fractional: true)
        case .glassware:
            let vessel = random.pick(["Beaker", "Conical flask", "Volumetric flask", "Measuring cylinder", "Petri dish",
                                      "Pasteur pipette", "Sample vial", "Watch glass"])
            let size = random.pick(["10ml", "25ml", "50ml", "100ml", "250ml", "500ml", "1L"])
            let material = random.pick(["borosilicate", "PTFE", "polypropylene", "quartz"])
            return ItemTemplate(name: "\(vessel) \(size) \(material)", unit: random.pick(["each", "pack of 10", "box of 100"]),
                                pricePence: price(60...6500), fractional: false)
        case .consumables:
            let thing = random.pick(["Nitrile gloves size M", "Nitrile gloves size L", "Cryogenic gloves", "Lens tissue",
                                     "Cleanroom wipes", "Kapton tape 12mm x 33m", "PTFE tape 12mm x 10m",
                                     "Copper foil tape 25mm", "Cable ties 100mm", "Desoldering braid", "Flux pen",
                                     "Solder SAC305 0.7mm", "Heat-shrink assortment"])
            return ItemTemplate(name: thing, unit: thing.hasPrefix("Nitrile") ? "box of 100" : "each",
                                pricePence: price(80...4500), fractional: false)
        case .optics:
            let optic = random.pick(["Plano-convex lens", "Achromatic doublet", "Dielectric mirror", "Silver mirror",
                                     "Beam splitter cube", "ND filter", "Bandpass filter", "Kinematic mount"])
            let size = random.pick(["12.7mm", "25.4mm", "50.8mm"])
            let spec = random.pick(["f=50mm", "f=100mm", "400-700nm", "OD1", "OD2", "633nm", "1064nm"])
            return ItemTemplate(name: "\(optic) \(size) \(spec)", unit: "each", pricePence: price(1200...35000), fractional: false)
        case .vacuum:
            let flange = random.pick(["KF16", "KF25", "KF40", "CF16", "CF40", "CF63"])
            let part = random.pick(["centring ring", "clamp", "blank flange", "copper gasket", "Viton O-ring", "elbow", "tee"])
            return ItemTemplate(name: "\(flange) \(part)", unit: random.pick(["each", "pack of 10"]),
                                pricePence: price(150...9000), fractional: false)
        case .fasteners:
            let size = random.pick(["M2", "M2.5", "M3", "M4", "M5", "M6", "M8"])
            let kind = random.pick(["socket cap screw", "pan head screw", "hex nut", "washer", "standoff", "grub screw"])
            let length = random.pick(["6mm", "8mm", "10mm", "12mm", "16mm", "20mm"])
            let material = random.pick(["A2 stainless", "brass", "nylon", "titanium"])
            return ItemTemplate(name: "\(size) \(kind) \(length) \(material)", unit: "pack of 100",
                                pricePence: price(150...3500), fractional: false)
        case .tools:
            let tool = random.pick(["Precision screwdriver set", "Tweezers", "Wire strippers", "Side cutters",
                                    "Digital multimeter", "Hex key set", "Scalpel handle", "Soldering iron tip"])
            return ItemTemplate(name: tool + random.pick(["", " ESD safe", " non-magnetic"]), unit: "each",
                                pricePence: price(300...25000), fractional: false)
        case .safety:
            let kit = random.pick(["Safety glasses", "Laser safety goggles", "Lab coat", "Cryogenic apron", "Face shield",
                                   "Ear defenders", "Dust mask FFP3"])
            return ItemTemplate(name: kit + " " + random.pick(["S", "M", "L", "one size", "OD7 1064nm"]), unit: "each",
                                pricePence: price(150...18000), fractional: false)
        case .books:
            let title = random.pick(["The Art of Electronics", "Building Scientific Apparatus", "Optics (Hecht)",
                                     "Introduction to Solid State Physics", "Vacuum Technology Handbook",
                                     "Matter and Methods at Low Temperatures", "Data Reduction and Error Analysis"])
            return ItemTemplate(name: title + " (" + random.pick(["2nd", "3rd", "4th"]) + " ed.)", unit: "each",
                                pricePence: price(2500...12000), fractional: false)
        case .stationery:
            let thing = random.pick(["A4 lab notebook", "Permanent marker", "Cryo labels", "Ballpoint pens",
                                     "Graph paper pad", "Sample labels"])
            return ItemTemplate(name: thing, unit: random.pick(["each", "pack"]), pricePence: price(50...1500),
                                fractional: false)
        }
    }
}
