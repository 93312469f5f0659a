using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OtpWall.Core.ApiKeys;

namespace OtpWall.Core.Upstream;

/// <summary>Turns an OTPWALL error answer into the typed <see cref="OtpWallException"/> family.</summary>
internal static class UpstreamErrors
{
    private const int MaxDetailLength = 200;
    private static readonly string[] MessageFields = ["message", "detail", "title", "error", "error_description"];

    public static OtpWallException FromStatus(
        HttpStatusCode status, string? body, string? mediaType, RetryConditionHeaderValue? retryAfter,
        OtpWallApiKey key, bool aboutAnActivation, DateTimeOffset now)
    {
        var detail = ExtractDetail(body, mediaType, key);
        return (int)status switch
        {
            401 or 403 => new OtpWallBadKeyException(status),
            402 => new OtpWallInsufficientBalanceException(),
            404 when aboutAnActivation => new OtpWallNotFoundException(),
            408 => new OtpWallTimeoutException(),
            409 => new OtpWallNotAllowedException(detail is null ? null : $"OTPWALL does not allow this now: {detail}"),
            429 => new OtpWallRateLimitedException(RetryDelay(retryAfter, now)),
            >= 500 => new OtpWallUnavailableException(status),
            >= 400 and < 500 when (int)status != 404 =>
                new OtpWallBadRequestException(detail is null ? null : $"OTPWALL refused the request: {detail}", status) { NoNumbers = SaysNoNumbers(body) },
            _ => new OtpWallUnreadableResponseException(status),
        };
    }

    private static readonly string[] NoNumbersWords = ["no_number", "no number", "out of stock", "out_of_stock"];

    /// <summary>Whether a refusal says there are no numbers for the pair (OTPWALL documents no error codes: the words are read).</summary>
    public static bool SaysNoNumbers(string? body) =>
        body is not null && NoNumbersWords.Any(w => body.Contains(w, StringComparison.OrdinalIgnoreCase));

    /// <summary>How long OTPWALL asked us to wait, from <c>Retry-After</c> as seconds or as a date.</summary>
    public static TimeSpan? RetryDelay(RetryConditionHeaderValue? retryAfter, DateTimeOffset now) => retryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>
    /// The short human explanation inside an error body, if there is a clean one: a JSON field or plain
    /// text. HTML pages, stack traces and anything echoing the key are never passed on.
    /// </summary>
    public static string? ExtractDetail(string? body, string? mediaType, OtpWallApiKey key)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        var text = body.Trim();
        if (mediaType?.Contains("html", StringComparison.OrdinalIgnoreCase) == true || text.StartsWith('<')) return null;

        if (text[0] is '{' or '[' or '"')
        {
            text = FromJson(text);
            if (text is null) return null;
        }

        return Clean(text.Replace(key.Reveal(), key.Masked, StringComparison.Ordinal));
    }

    private static string? FromJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return FindMessage(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? FindMessage(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String) return element.GetString();
        if (element.ValueKind != JsonValueKind.Object) return null;
        foreach (var field in MessageFields)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (!property.NameEquals(field) && !string.Equals(property.Name, field, StringComparison.OrdinalIgnoreCase)) continue;
                var found = FindMessage(property.Value);
                if (!string.IsNullOrWhiteSpace(found)) return found;
            }
        }
        return null;
    }

    private static string? Clean(string text)
    {
        if (text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Exception:", StringComparison.Ordinal) ||
            (text.Contains('<') && text.Contains('>')))
            return null;

        var builder = new StringBuilder(Math.Min(text.Length, MaxDetailLength + 1));
        var lastWasSpace = false;
        foreach (var c in text)
        {
            var isSpace = char.IsWhiteSpace(c) || char.IsControl(c);
            if (isSpace && (lastWasSpace || builder.Length == 0)) continue;
            builder.Append(isSpace ? ' ' : c);
            lastWasSpace = isSpace;
            if (builder.Length > MaxDetailLength) break;
        }

        var cleaned = builder.ToString().TrimEnd();
        if (cleaned.Length == 0) return null;
        return cleaned.Length > MaxDetailLength ? cleaned[..(MaxDetailLength - 1)].TrimEnd() + "…" : cleaned;
    }
}
