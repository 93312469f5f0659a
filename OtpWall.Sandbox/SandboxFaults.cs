using System.ComponentModel.DataAnnotations;

namespace OtpWall.Sandbox;

/// <summary>
/// What can go wrong, switched through <c>POST /sandbox/control/faults</c>. Rates are chances from 0 to 1 per
/// request; posting <c>{}</c> switches everything off. Failures (429, errors) answer before the request is
/// processed; <see cref="TimeoutRate"/> and <see cref="MalformedRate"/> strike after it was, as when an answer is
/// lost on its way back — a purchase hit by them has been charged.
/// </summary>
public sealed record SandboxFaultSettings
{
    /// <summary>Added to every answer.</summary>
    [Range(0, 120_000)]
    public int LatencyMs { get; init; }

    /// <summary>Chance of answering <see cref="ErrorStatus"/> without processing.</summary>
    [Range(0d, 1d)]
    public double ErrorRate { get; init; }

    [Range(500, 599)]
    public int ErrorStatus { get; init; } = 503;

    /// <summary>Body of an error answer: <c>html</c> (a proxy's page), <c>json</c> or <c>text</c>.</summary>
    [RegularExpression("^(html|json|text)$")]
    public string ErrorBody { get; init; } = "html";

    /// <summary>Chance of answering 429 with <c>Retry-After: RetryAfterSeconds</c>.</summary>
    [Range(0d, 1d)]
    public double RateLimitRate { get; init; }

    [Range(0, 3600)]
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>Chance of processing the request and then holding the answer for <see cref="TimeoutSeconds"/>.</summary>
    [Range(0d, 1d)]
    public double TimeoutRate { get; init; }

    [Range(0, 600)]
    public int TimeoutSeconds { get; init; } = 30;

    /// <summary>Chance of processing the request and then answering 200 with a broken body.</summary>
    [Range(0d, 1d)]
    public double MalformedRate { get; init; }

    /// <summary>Dialect: send <c>balance</c> as a string (<c>"12.50"</c>).</summary>
    public bool StringBalance { get; init; }

    /// <summary>Dialect: send statuses in upper case (<c>RECEIVED</c>).</summary>
    public bool UpperCaseStatus { get; init; }

    /// <summary>Dialect: send <c>activation_id</c> as a JSON number.</summary>
    public bool NumericIds { get; init; }

    /// <summary>Like some servers and proxies: a request body sent without <c>Content-Length</c> (chunked) is answered 411.</summary>
    public bool RequireContentLength { get; init; }

    /// <summary>Only requests whose path (after <c>/v1</c>) contains this are faulted, e.g. <c>/number</c>.</summary>
    public string? PathContains { get; init; }

    /// <summary>Fault only this many more matching requests, then answer normally again.</summary>
    [Range(0, int.MaxValue)]
    public int? Remaining { get; init; }

    public static SandboxFaultSettings None { get; } = new();
}

/// <summary>The fault that strikes one request.</summary>
public enum SandboxFault
{
    None,
    RateLimit,
    Error,
    Timeout,
    Malformed,
}

/// <summary>Holds the current <see cref="SandboxFaultSettings"/> and draws, per request, which fault strikes.</summary>
public sealed class SandboxFaults(SandboxRandom random)
{
    private readonly Lock _gate = new();
    private SandboxFaultSettings _settings = SandboxFaultSettings.None;

    public SandboxFaultSettings Current
    {
        get { lock (_gate) return _settings; }
    }

    public void Set(SandboxFaultSettings settings)
    {
        lock (_gate) _settings = settings;
    }

    /// <summary>Draws the fault for a request to <paramref name="path"/>, using up one of <c>Remaining</c> if it strikes.</summary>
    public (SandboxFault Fault, SandboxFaultSettings Settings) Draw(string path)
    {
        lock (_gate)
        {
            var settings = _settings;
            if (settings.PathContains is { Length: > 0 } part && !path.Contains(part, StringComparison.OrdinalIgnoreCase))
                return (SandboxFault.None, settings);
            if (settings.Remaining is <= 0) return (SandboxFault.None, settings);

            var fault =
                Strikes(settings.RateLimitRate) ? SandboxFault.RateLimit :
                Strikes(settings.ErrorRate) ? SandboxFault.Error :
                Strikes(settings.TimeoutRate) ? SandboxFault.Timeout :
                Strikes(settings.MalformedRate) ? SandboxFault.Malformed :
                SandboxFault.None;
            if (fault != SandboxFault.None && settings.Remaining is { } left)
                _settings = settings with { Remaining = left - 1 };
            return (fault, settings);
        }
    }

    private bool Strikes(double rate) => rate > 0 && (rate >= 1 || random.NextDouble() < rate);
}
