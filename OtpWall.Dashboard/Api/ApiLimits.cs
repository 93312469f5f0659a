using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace OtpWall.Dashboard.Api;

/// <summary>Each token's own limits: reads per second and purchases per minute (<see cref="ApiOptions"/>).</summary>
public sealed class ApiLimits : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> _reads;
    private readonly PartitionedRateLimiter<Guid> _purchases;

    public ApiLimits(IOptions<ApiOptions> options)
    {
        var (reads, purchases) = (options.Value.ReadsPerSecond, options.Value.PurchasesPerMinute);
        _reads = PartitionedRateLimiter.Create<Guid, Guid>(token => RateLimitPartition.GetTokenBucketLimiter(token, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = reads, TokensPerPeriod = reads, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true,
        }));
        _purchases = PartitionedRateLimiter.Create<Guid, Guid>(token => RateLimitPartition.GetTokenBucketLimiter(token, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = purchases, TokensPerPeriod = 1, ReplenishmentPeriod = TimeSpan.FromMinutes(1) / purchases, QueueLimit = 0, AutoReplenishment = true,
        }));
    }

    /// <summary>Null when the request may go ahead; otherwise how long to wait before the next one may.</summary>
    public TimeSpan? Refusal(Guid tokenId, bool purchase)
    {
        using var lease = (purchase ? _purchases : _reads).AttemptAcquire(tokenId);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
    }

    public void Dispose()
    {
        _reads.Dispose();
        _purchases.Dispose();
    }
}
