using Refit;

namespace OtpWall.Core.Upstream;

/// <summary>
/// OTPWALL's HTTP API, as Refit generates it. Only <see cref="OtpWallClient"/> calls it. Bodies are buffered so they go out
/// with a Content-Length: some servers and proxies refuse chunked request bodies (411).
/// </summary>
internal interface IOtpWallApi
{
    [Get("/balance")]
    Task<IApiResponse<BalanceResponse>> GetBalanceAsync([Authorize("Bearer")] string apiKey, CancellationToken cancellationToken);

    [Post("/number")]
    Task<IApiResponse<ActivationResponse>> BuyNumberAsync(
        [Authorize("Bearer")] string apiKey, [Body(buffered: true)] BuyNumberRequest request, CancellationToken cancellationToken);

    [Get("/activation/{id}/status")]
    Task<IApiResponse<ActivationResponse>> GetActivationStatusAsync(
        [Authorize("Bearer")] string apiKey, string id, CancellationToken cancellationToken);

    [Post("/activation/{id}/status")]
    Task<IApiResponse<string>> ChangeActivationStatusAsync(
        [Authorize("Bearer")] string apiKey, string id, [Body(buffered: true)] ChangeStatusRequest request, CancellationToken cancellationToken);

    [Get("/countries")]
    Task<IApiResponse<List<CatalogueEntryResponse>>> GetCountriesAsync([Authorize("Bearer")] string apiKey, CancellationToken cancellationToken);

    [Get("/services")]
    Task<IApiResponse<List<CatalogueEntryResponse>>> GetServicesAsync([Authorize("Bearer")] string apiKey, CancellationToken cancellationToken);
}
