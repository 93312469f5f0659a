using Microsoft.AspNetCore.Components;

namespace OtpWall.Dashboard.Components.Shared;

/// <summary>
/// A MudBlazor icon (the inside of a 24 × 24 SVG) drawn as MudIcon draws it, without a component: in what every open
/// tab keeps (the layout, the activation cards) each MudBlazor component is an instance with its own state.
/// </summary>
internal static class IconMarkup
{
    public static RenderFragment Draw(string svg, string size = "medium", string? cssClass = null) => builder =>
    {
        builder.OpenElement(0, "svg");
        builder.AddAttribute(1, "class", cssClass is null ? $"mud-icon-root mud-svg-icon mud-icon-size-{size}" : $"mud-icon-root mud-svg-icon mud-icon-size-{size} {cssClass}");
        builder.AddAttribute(2, "focusable", "false");
        builder.AddAttribute(3, "viewBox", "0 0 24 24");
        builder.AddAttribute(4, "aria-hidden", "true");
        builder.AddAttribute(5, "role", "img");
        builder.AddMarkupContent(6, svg);
        builder.CloseElement();
    };

    /// <summary>The icon at the start of a button, as MudButton's StartIcon draws it.</summary>
    public static RenderFragment ButtonStart(string svg) => builder =>
    {
        builder.OpenElement(0, "span");
        builder.AddAttribute(1, "class", "mud-button-icon-start mud-button-icon-size-medium");
        builder.AddContent(2, Draw(svg));
        builder.CloseElement();
    };
}
