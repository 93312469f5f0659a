using Microsoft.AspNetCore.Antiforgery;
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
        accountGroup.MapPost("/Logout", async (HttpContext context, [FromServices] SignInManager<ApplicationUser> signInManager) =>
        {
            // A post without a valid token (forged, or a form left open too long) is refused before its form is read
            // (reading it would throw: a 500).
            if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
                return Results.Text("This sign-out form has expired. Reload the page and sign out again.", "text/plain", statusCode: StatusCodes.Status400BadRequest);
            var returnUrl = (await context.Request.ReadFormAsync(context.RequestAborted))["ReturnUrl"].ToString();
            await signInManager.SignOutAsync();
            // The form sends the page's address relative to the site ("wallet"); anything that would leave it leads home.
            return Results.LocalRedirect(LocalUrl.IsLocal($"~/{returnUrl}") ? $"~/{returnUrl}" : "~/");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());

        // Account & security's "Sign out everywhere": every session of the person ends, on every device, this one too.
        accountGroup.MapPost("/LogoutEverywhere", async (HttpContext context, [FromServices] SignInManager<ApplicationUser> signInManager) =>
        {
            if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
                return Results.Text("This form has expired. Reload the page and try again.", "text/plain", statusCode: StatusCodes.Status400BadRequest);
            if (await signInManager.UserManager.GetUserAsync(context.User) is not { } user || signInManager is not EvenTimingSignInManager manager)
                return Results.LocalRedirect("~/Account/Login");
            await manager.SignOutEverywhereAsync(user);
            IdentityRedirectManager.AppendStatus(context, "You are signed out on every device and browser. Sign in again here.");
            return Results.LocalRedirect("~/Account/Login");
        }).RequireAuthorization().WithMetadata(new RequireAntiforgeryTokenAttribute());
        return accountGroup;
    }
}
