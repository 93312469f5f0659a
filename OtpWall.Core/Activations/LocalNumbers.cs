using PhoneNumbers;

namespace OtpWall.Core.Activations;

/// <summary>Rented numbers as a form in another app wants them.</summary>
public static class LocalNumbers
{
    /// <summary>
    /// The number without its country calling code (and without a trunk prefix), as a sign-up form with a separate
    /// country field asks for it: <c>+923001234567</c> in PK gives <c>3001234567</c>. Null when the number cannot be read
    /// as a number of that country. Google's metadata loads on the first call (not when a page draws a card).
    /// </summary>
    public static string? WithoutCountryCode(string? number, string? countryCode)
    {
        if (string.IsNullOrWhiteSpace(number)) return null;
        var util = PhoneNumberUtil.GetInstance();
        try
        {
            var region = countryCode?.Length == 2 ? countryCode.ToUpperInvariant() : null;
            var text = number.Trim();
            // Digits without a plus that begin with the country's calling code are international ("923001234567");
            // other digits are national ("03001234567").
            if (!text.StartsWith('+') && region is not null &&
                text.StartsWith(util.GetCountryCodeForRegion(region).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
                text = "+" + text;
            var parsed = util.Parse(text, region);
            var national = util.GetNationalSignificantNumber(parsed);
            return string.IsNullOrEmpty(national) ? null : national;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
