using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace OtpWall.Core.Upstream;

/// <summary>
/// The pipeline every OTPWALL request goes through: a total timeout, retries for safe (GET) requests only,
/// and a timeout per attempt. No circuit breaker: one user's bad key or rate limit must not stop the others.
/// </summary>
internal static class UpstreamResilience
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, OtpWallUpstreamOptions options)
    {
        // Network timeouts and backoff are real time, whatever clock the domain runs on: a fake clock in tests must
        // not stop timeouts from firing, nor the pipeline's disposal (which waits on this clock) from finishing.
        pipeline.TimeProvider = TimeProvider.System;
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = options.TotalTimeout });

        if (options.MaxRetries > 0)
        {
            var retry = new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(
                    HttpClientResiliencePredicates.IsTransient(args.Outcome) && !AsksForTooLong(args.Outcome.Result, options)),
            };
            // A purchase or a status change that failed may still have happened upstream.
            retry.DisableForUnsafeHttpMethods();
            pipeline.AddRetry(retry);
        }

        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = options.AttemptTimeout });
    }

    // A long Retry-After is the caller's to honour (it gets OtpWallRateLimitedException with the delay),
    // not something to sit out inside one call.
    private static bool AsksForTooLong(HttpResponseMessage? response, OtpWallUpstreamOptions options) =>
        response is { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable } &&
        UpstreamErrors.RetryDelay(response.Headers.RetryAfter, DateTimeOffset.UtcNow) is { } wait &&
        wait > options.MaxRetryAfter;
}
