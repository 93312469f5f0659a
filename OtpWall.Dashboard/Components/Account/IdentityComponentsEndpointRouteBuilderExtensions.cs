using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using OtpWall.Core.Accounts;

namespace OtpWall.Dashboard.Components.Account;

internal static class IdentityComponentsEndpointRouteBuilderExtensions
{
    /// <summary>The sign-out post the account menu submits (with its antiforgery token).</summary>
    public static IEndpointConventionBuilder MapAdditionalIdentityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var accountGroup = endpoints.MapGroup("/Account");
        accountGroup.MapPost("/Logout", async ([FromServices] SignInManager<ApplicationUser> signInManager, [FromForm] string? returnUrl) =>
        {
            await signInManager.SignOutAsync();
            var target = returnUrl is { Length: > 0 } && !returnUrl.StartsWith('/') && !returnUrl.Contains("//", StringComparison.Ordinal)
                && !returnUrl.Contains('\\', StringComparison.Ordinal) ? returnUrl : "";
            return TypedResults.LocalRedirect($"~/{target}");
        });
        return accountGroup;
    }
}
