namespace OtpWall.Sandbox;

/// <summary>A country the sandbox rents numbers in. <see cref="PriceFactor"/> scales every service's base price.</summary>
public sealed record SandboxCountry(string Code, string Alpha3, string Name, string DialCode, int NationalDigits, decimal PriceFactor);

/// <summary>A service with its base price and the SMS texts it really sends; <c>{d6}</c> is six digits, <c>{A5}</c> five letters or digits, <c>{c}</c> the first of them again.</summary>
public sealed record SandboxService(string Code, string Name, decimal BasePrice, IReadOnlyList<string> SmsTemplates);

/// <summary>The fixed catalogue: the same for every key, every run.</summary>
public static class SandboxCatalogue
{
    public static IReadOnlyList<SandboxCountry> Countries { get; } =
    [
        new("US", "USA", "United States", "1", 10, 1.60m),
        new("CA", "CAN", "Canada", "1", 10, 1.50m),
        new("GB", "GBR", "United Kingdom", "44", 10, 1.40m),
        new("DE", "DEU", "Germany", "49", 11, 1.30m),
        new("FR", "FRA", "France", "33", 9, 1.30m),
        new("NL", "NLD", "Netherlands", "31", 9, 1.20m),
        new("ES", "ESP", "Spain", "34", 9, 1.10m),
        new("IT", "ITA", "Italy", "39", 10, 1.10m),
        new("PL", "POL", "Poland", "48", 9, 0.90m),
        new("UA", "UKR", "Ukraine", "380", 9, 0.60m),
        new("KZ", "KAZ", "Kazakhstan", "7", 10, 0.60m),
        new("TR", "TUR", "Türkiye", "90", 10, 0.80m),
        new("PK", "PAK", "Pakistan", "92", 10, 0.45m),
        new("IN", "IND", "India", "91", 10, 0.40m),
        new("BD", "BGD", "Bangladesh", "880", 10, 0.40m),
        new("ID", "IDN", "Indonesia", "62", 10, 0.45m),
        new("PH", "PHL", "Philippines", "63", 10, 0.50m),
        new("VN", "VNM", "Vietnam", "84", 9, 0.50m),
        new("TH", "THA", "Thailand", "66", 9, 0.60m),
        new("MY", "MYS", "Malaysia", "60", 9, 0.70m),
        new("CN", "CHN", "China", "86", 11, 1.20m),
        new("JP", "JPN", "Japan", "81", 10, 1.80m),
        new("KR", "KOR", "South Korea", "82", 10, 1.70m),
        new("BR", "BRA", "Brazil", "55", 11, 0.70m),
        new("MX", "MEX", "Mexico", "52", 10, 0.70m),
        new("AR", "ARG", "Argentina", "54", 10, 0.60m),
        new("CO", "COL", "Colombia", "57", 10, 0.60m),
        new("NG", "NGA", "Nigeria", "234", 10, 0.55m),
        new("EG", "EGY", "Egypt", "20", 10, 0.50m),
        new("KE", "KEN", "Kenya", "254", 9, 0.50m),
        new("ZA", "ZAF", "South Africa", "27", 9, 0.80m),
        new("SA", "SAU", "Saudi Arabia", "966", 9, 1.20m),
        new("AE", "ARE", "United Arab Emirates", "971", 9, 1.40m),
        new("IL", "ISR", "Israel", "972", 9, 1.30m),
        new("AU", "AUS", "Australia", "61", 9, 1.50m),
        new("SE", "SWE", "Sweden", "46", 9, 1.30m),
    ];

    public static IReadOnlyList<SandboxService> Services { get; } =
    [
        new("telegram", "Telegram", 0.50m, ["Telegram code: {d5}\n\nYou can also tap on this link to log in:\nhttps://t.me/login/{c}", "Код подтверждения Telegram: {d5}. Никому не давайте код!"]),
        new("whatsapp", "WhatsApp", 0.60m, ["<#> Your WhatsApp code: {d3}-{d3}\nYou can also tap on this link to verify your phone: v.whatsapp.com/{d6}\nDon't share this code with others\n4sgLq1p5sV6", "Tu código de WhatsApp: {d3}-{d3}. No compartas este código con nadie."]),
        new("facebook", "Facebook", 0.30m, ["FB-{d5} is your Facebook confirmation code", "{d6} is your Facebook password reset code"]),
        new("instagram", "Instagram", 0.35m, ["{d3} {d3} is your Instagram code. Don't share it.", "Use {d6} to verify your Instagram account."]),
        new("google", "Google", 0.40m, ["G-{d6} is your Google verification code.", "G-{d6} ist dein Bestätigungscode von Google."]),
        new("microsoft", "Microsoft", 0.30m, ["Use {d6} as Microsoft account security code"]),
        new("apple", "Apple", 0.45m, ["Your Apple Account code is: {d6}. Don't share it with anyone.\n\n@apple.com #{c} %apple.com"]),
        new("amazon", "Amazon", 0.30m, ["{d6} is your Amazon OTP. Do not share it with anyone."]),
        new("twitter", "X (Twitter)", 0.25m, ["{d6} is your X verification code."]),
        new("tiktok", "TikTok", 0.30m, ["[TikTok] {d6} is your verification code, valid for 5 minutes. To keep your account safe, never forward this code."]),
        new("discord", "Discord", 0.25m, ["Your Discord security code is: {d6}"]),
        new("snapchat", "Snapchat", 0.25m, ["Snapchat code: {d3}-{d3}. Happy Snapping!"]),
        new("viber", "Viber", 0.20m, ["Your Viber code: {d6}. Don't share it."]),
        new("wechat", "WeChat", 0.90m, ["[WeChat] Your verification code is {d6}. It expires in 10 minutes.", "【微信】验证码：{d6}，10分钟内有效。"]),
        new("line", "LINE", 0.40m, ["[LINE] Your verification code is {d6}."]),
        new("signal", "Signal", 0.35m, ["Your Signal code: {d3}-{d3}\nDo not share this code\ndoDiFGKPO1r"]),
        new("uber", "Uber", 0.30m, ["Your Uber code: {d4}. Never share this code. Reply STOP ALL to +1 415-237-0403 to unsubscribe."]),
        new("airbnb", "Airbnb", 0.35m, ["Your Airbnb verification code is: {d6}. Don't share this code with anyone; our employees will never ask for the code."]),
        new("paypal", "PayPal", 0.55m, ["PayPal: {d6} is your security code. Don't share your code."]),
        new("netflix", "Netflix", 0.20m, ["Netflix: Your verification code is {d4}. It expires in 15 minutes."]),
        new("openai", "OpenAI", 0.60m, ["Your OpenAI verification code is: {d6}"]),
        new("linkedin", "LinkedIn", 0.30m, ["Your LinkedIn verification code is {d6}."]),
        new("tinder", "Tinder", 0.35m, ["Your Tinder code is {d6}\n\n@tinder.com #{c}"]),
        new("yahoo", "Yahoo", 0.15m, ["{d6} is your Yahoo verification code"]),
        new("steam", "Steam", 0.20m, ["Steam: your login code is {A5}. Valid for 30 min, on 12/03/2026."]),
        new("binance", "Binance", 0.70m, ["[Binance] Verification code: {d6}. Valid for 30 minutes. Do not share this code with anyone."]),
        new("shopee", "Shopee", 0.25m, ["[Shopee] Mã xác minh của bạn là {d6}. Có hiệu lực trong 15 phút. Không chia sẻ mã này."]),
    ];

    /// <summary>Pairs that have no numbers, as a real provider always has some: buying one answers 422.</summary>
    public static IReadOnlySet<(string Service, string Country)> OutOfStock { get; } = new HashSet<(string, string)>
    {
        ("wechat", "US"), ("facebook", "CN"), ("google", "CN"), ("whatsapp", "AE"), ("linkedin", "CN"), ("binance", "US"),
    };

    public static SandboxCountry? FindCountry(string? code) =>
        code is null ? null : Countries.FirstOrDefault(c =>
            string.Equals(c.Code, code.Trim(), StringComparison.OrdinalIgnoreCase) ||
            string.Equals(c.Alpha3, code.Trim(), StringComparison.OrdinalIgnoreCase));

    public static SandboxService? FindService(string? code) =>
        code is null ? null : Services.FirstOrDefault(s => string.Equals(s.Code, code.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The price of one number of <paramref name="service"/> in <paramref name="country"/>, never below 0.05.</summary>
    public static decimal Price(SandboxService service, SandboxCountry country) =>
        Math.Max(0.05m, Math.Round(service.BasePrice * country.PriceFactor, 2, MidpointRounding.AwayFromZero));

    public static bool IsInStock(SandboxService service, SandboxCountry country) =>
        !OutOfStock.Contains((service.Code, country.Code));
}
