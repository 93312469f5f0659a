using System.Net;

namespace OtpWall.Core.Upstream;

/// <summary>
/// Every way an OTPWALL call can fail. <see cref="Exception.Message"/> is short, clean and safe to show a
/// person: never HTML, never a stack trace, never the API key.
/// </summary>
public abstract class OtpWallException : Exception
{
    private protected OtpWallException(string message, HttpStatusCode? statusCode = null, Exception? inner = null)
        : base(message, inner) => StatusCode = statusCode;

    /// <summary>The HTTP status OTPWALL answered with, when it answered.</summary>
    public HttpStatusCode? StatusCode { get; }
}

/// <summary>401/403: the key is wrong, revoked or not allowed.</summary>
public sealed class OtpWallBadKeyException(HttpStatusCode? statusCode = null)
    : OtpWallException("OTPWALL refused the API key. Check it on the API key page or generate a new one.", statusCode);

/// <summary>402: the wallet cannot pay for this.</summary>
public sealed class OtpWallInsufficientBalanceException(string? detail = null)
    : OtpWallException(detail ?? "Not enough balance for this purchase. Top up your OTPWALL wallet.", HttpStatusCode.PaymentRequired);

/// <summary>404: OTPWALL does not know the activation (or it is not this key's).</summary>
public sealed class OtpWallNotFoundException()
    : OtpWallException("OTPWALL does not know this activation any more. Check it on OTPWALL's site; what the dashboard last knew of it is kept here.", HttpStatusCode.NotFound);

/// <summary>409: allowed in general, not now (for example a cancel after an SMS arrived).</summary>
public sealed class OtpWallNotAllowedException(string? detail = null)
    : OtpWallException(detail ?? "OTPWALL does not allow this action for the activation now.", HttpStatusCode.Conflict);

/// <summary>400/422: an unknown service or country, no numbers available, or another refused request.</summary>
public sealed class OtpWallBadRequestException(string? detail, HttpStatusCode statusCode)
    : OtpWallException(detail ?? "OTPWALL refused the request.", statusCode)
{
    /// <summary>OTPWALL said it has no numbers for the service and country asked (a code or words saying so).</summary>
    public bool NoNumbers { get; init; }
}

/// <summary>429: too many requests for this key; <see cref="RetryAfter"/> says when to try again, if OTPWALL said.</summary>
public sealed class OtpWallRateLimitedException(TimeSpan? retryAfter)
    : OtpWallException(
        retryAfter is { } wait
            ? $"OTPWALL is limiting requests for this key. Try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s."
            : "OTPWALL is limiting requests for this key. Try again shortly.",
        HttpStatusCode.TooManyRequests)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>5xx or a transport failure: OTPWALL is down or unreachable.</summary>
public sealed class OtpWallUnavailableException(HttpStatusCode? statusCode = null, Exception? inner = null)
    : OtpWallException("OTPWALL is not reachable right now. Try again in a moment.", statusCode, inner);

/// <summary>OTPWALL did not answer within the configured time.</summary>
public sealed class OtpWallTimeoutException(Exception? inner = null)
    : OtpWallException("OTPWALL did not answer in time. Try again in a moment.", null, inner);

/// <summary>OTPWALL answered, but with something that is not the documented JSON.</summary>
public sealed class OtpWallUnreadableResponseException(HttpStatusCode? statusCode = null)
    : OtpWallException("OTPWALL sent an answer the dashboard could not read. Try again in a moment.", statusCode);

/// <summary>
/// A purchase was sent but its result is not known (timeout, connection lost, server error or an unreadable
/// answer): the user may have been charged. Distinct from a refused purchase, and never retried automatically.
/// </summary>
public sealed class PurchaseOutcomeUnknownException(string reason, HttpStatusCode? statusCode = null, Exception? inner = null)
    : OtpWallException(
        "The purchase may or may not have gone through, and it will not be repeated automatically. Check your balance before buying again.",
        statusCode, inner)
{
    /// <summary>Why the outcome is unknown, for the record (never contains the key).</summary>
    public string Reason { get; } = reason;
}
