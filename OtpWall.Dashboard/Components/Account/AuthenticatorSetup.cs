using System.Globalization;
using System.Text;
using QRCoder;

namespace OtpWall.Dashboard.Components.Account;

/// <summary>The authenticator key as people type it and as apps scan it.</summary>
internal static class AuthenticatorSetup
{
    private const string Issuer = "OTPWALL Dashboard";

    /// <summary>The key in groups of four, lower case: <c>abcd efgh ijkl …</c>.</summary>
    public static string FormatKey(string key)
    {
        var result = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            if (i > 0) result.Append(' ');
            result.Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        }
        return result.ToString().ToLowerInvariant();
    }

    public static string Uri(string email, string key) => string.Create(CultureInfo.InvariantCulture,
        $"otpauth://totp/{System.Uri.EscapeDataString(Issuer)}:{System.Uri.EscapeDataString(email)}?secret={key}&issuer={System.Uri.EscapeDataString(Issuer)}&digits=6");

    /// <summary>The QR code as inline SVG (no script, no image request), black on white whatever the theme.</summary>
    public static string QrCodeSvg(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.Q);
        return new SvgQRCode(data).GetGraphic(5);
    }
}
