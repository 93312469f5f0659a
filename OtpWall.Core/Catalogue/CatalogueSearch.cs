namespace OtpWall.Core.Catalogue;

/// <summary>
/// Finds services and countries the way people type them: by name or code, and by the other names people use
/// ("uk" and "Britain" for the United Kingdom, "usa" and "America" for the United States, "fb" for Facebook).
/// Best matches first: an exact code or other name, then names that start with the text, then other names that
/// start with it, then names that merely contain it.
/// </summary>
public static class CatalogueSearch
{
    // Keyed by ISO 3166 alpha-2 code; the names OTPWALL's list does not carry but people type.
    private static readonly Dictionary<string, string[]> CountryAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GB"] = ["UK", "U.K.", "Britain", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland", "GBR"],
        ["US"] = ["USA", "U.S.", "U.S.A.", "America", "United States of America", "States"],
        ["AE"] = ["UAE", "Emirates", "Dubai", "Abu Dhabi"],
        ["KR"] = ["Korea", "Republic of Korea"],
        ["KP"] = ["North Korea"],
        ["TR"] = ["Turkey", "Turkiye"],
        ["RU"] = ["Russia", "Russian Federation"],
        ["CZ"] = ["Czechia", "Czech Republic"],
        ["NL"] = ["Holland", "The Netherlands"],
        ["DE"] = ["Deutschland"],
        ["ES"] = ["España", "Espana"],
        ["VN"] = ["Viet Nam"],
        ["CN"] = ["PRC", "Mainland China"],
        ["TW"] = ["Republic of China"],
        ["IR"] = ["Persia"],
        ["MM"] = ["Burma"],
        ["CI"] = ["Ivory Coast", "Côte d'Ivoire"],
        ["CD"] = ["DR Congo", "DRC", "Congo-Kinshasa"],
        ["CG"] = ["Congo-Brazzaville"],
        ["SA"] = ["KSA"],
        ["ZA"] = ["RSA"],
        ["CH"] = ["Schweiz", "Suisse"],
        ["MK"] = ["Macedonia"],
        ["SZ"] = ["Swaziland"],
        ["CV"] = ["Cape Verde"],
        ["LA"] = ["Laos"],
        ["MD"] = ["Moldova"],
        ["BO"] = ["Bolivia"],
        ["VE"] = ["Venezuela"],
        ["SY"] = ["Syria"],
        ["PS"] = ["Palestine"],
        ["VA"] = ["Vatican"],
        ["BA"] = ["Bosnia"],
        ["TT"] = ["Trinidad"],
    };

    private static readonly Dictionary<string, string[]> ServiceAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["facebook"] = ["fb", "Meta"],
        ["instagram"] = ["ig", "insta"],
        ["whatsapp"] = ["wa", "whats app"],
        ["telegram"] = ["tg"],
        ["twitter"] = ["X", "tw"],
        ["openai"] = ["ChatGPT", "GPT"],
        ["google"] = ["Gmail", "YouTube"],
        ["microsoft"] = ["Outlook", "Hotmail", "MS"],
        ["wechat"] = ["Weixin"],
        ["vkontakte"] = ["VK"],
        ["vk"] = ["VKontakte"],
        ["linkedin"] = ["Linked In"],
    };

    /// <summary>The other names of a country by its code (empty for none).</summary>
    public static IReadOnlyList<string> OtherNames(Country country) => CountryAliases.GetValueOrDefault(country.Code.Trim()) ?? [];

    public static IReadOnlyList<string> OtherNames(Service service) => ServiceAliases.GetValueOrDefault(service.Code.Trim()) ?? [];

    public static IReadOnlyList<Country> Countries(IEnumerable<Country> countries, string? text) =>
        Find(countries, text, c => c.Name, c => c.Code, OtherNames);

    public static IReadOnlyList<Service> Services(IEnumerable<Service> services, string? text) =>
        Find(services, text, s => s.Name, s => s.Code, OtherNames);

    /// <summary>The service whose name is nearest a mistyped <paramref name="text"/> ("Snapchatt"), when one is close.</summary>
    public static Service? Closest(IEnumerable<Service> services, string? text) => Closest(services, text, s => s.Name);

    public static Country? Closest(IEnumerable<Country> countries, string? text) => Closest(countries, text, c => c.Name);

    // At most one edit per four letters typed, and never for fewer than four.
    private static T? Closest<T>(IEnumerable<T> items, string? text, Func<T, string> name) where T : class
    {
        if (text is null || text.Trim().Length < 4) return null;
        var term = Normalise(text);
        var allowed = Math.Max(1, term.Length / 4);
        return items.Select(i => (item: i, distance: Distance(term, Normalise(name(i)))))
            .Where(x => x.distance <= allowed).OrderBy(x => x.distance).Select(x => x.item).FirstOrDefault();
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static List<T> Find<T>(IEnumerable<T> items, string? text, Func<T, string> name, Func<T, string> code, Func<T, IReadOnlyList<string>> otherNames)
    {
        if (string.IsNullOrWhiteSpace(text)) return [.. items];
        var term = Normalise(text);
        return [.. items
            .Select(item => (item, rank: Rank(term, Normalise(name(item)), Normalise(code(item)), otherNames(item))))
            .Where(x => x.rank < int.MaxValue)
            .OrderBy(x => x.rank).ThenBy(x => name(x.item), StringComparer.OrdinalIgnoreCase)
            .Select(x => x.item)];
    }

    private static int Rank(string term, string name, string code, IReadOnlyList<string> otherNames)
    {
        if (code == term || name == term || otherNames.Any(o => Normalise(o) == term)) return 0;
        if (name.StartsWith(term, StringComparison.Ordinal)) return 1;
        if (otherNames.Any(o => Normalise(o).StartsWith(term, StringComparison.Ordinal))) return 2;
        // A later word of the name ("korea" in "South Korea").
        if (name.Contains(' ' + term, StringComparison.Ordinal)) return 3;
        if (name.Contains(term, StringComparison.Ordinal) || (term.Length >= 3 && code.StartsWith(term, StringComparison.Ordinal))) return 4;
        if (term.Length >= 3 && otherNames.Any(o => Normalise(o).Contains(term, StringComparison.Ordinal))) return 5;
        return int.MaxValue;
    }

    // Case, accents and surrounding blanks do not matter: "turkiye" finds "Türkiye".
    private static string Normalise(string text)
    {
        var decomposed = text.Trim().ToLowerInvariant().Normalize(System.Text.NormalizationForm.FormD);
        var builder = new System.Text.StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark) builder.Append(c);
        return builder.ToString();
    }
}
